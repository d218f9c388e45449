"""Which PyTensor mode compiles ``jit`` functions.

Numba: on the 2-core CI machine it compiled the MLP 784-512-512-10 Adam step in ~1.5 s where
the C linker took ~15 s (g++ per new op signature), and it ran the step faster, with its own
BLAS calls (the C linker finds no BLAS in a pip install). Compiled code is cached in PyTensor's
compiledir, which ``PYTENSOR_FLAGS`` (e.g. ``compiledir=...``) moves as usual.
"""

from __future__ import annotations

import functools

from pytensor.compile.mode import Mode, get_mode


@functools.cache
def compile_mode() -> Mode:
    return get_mode("NUMBA")
