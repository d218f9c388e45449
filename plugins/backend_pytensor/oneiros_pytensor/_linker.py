"""How ``jit`` runs a traced graph: ``ONEIROS_PYTENSOR_LINKER`` = perform (default), numba or c.

perform: the traced graph as it is, node by node with each op's numpy ``perform``, no rewrites
and no compiler. On the 2-core CI machine (heavily shared, CPU seconds per step) it ran the
MNIST convnet Adam step in 0.18 s and the MLP 784-512-512-10 step in 0.09 s: the work is in
numpy's BLAS products and array copies either way. Numba (PyTensor's rewrites, then LLVM) took
7 CPU seconds to compile the MLP step and ran it no faster (0.10 s); the convnet step's compile
did not finish in minutes. The C linker finds no BLAS in a pip install and compiled the MLP step
in ~15 s. PyTensor's own Python VM on the rewritten graph was 20x slower (its rewrites bring in
ops whose ``perform`` loops in Python). numba and c compile from a signature's second call,
into PyTensor's compiledir, which ``PYTENSOR_FLAGS`` (e.g. ``compiledir=...``) moves as usual.
"""

from __future__ import annotations

import functools
import os

from pytensor.compile.mode import Mode, get_mode
from pytensor.link.vm import VMLinker

LINKERS = ("perform", "numba", "c")
DEFAULT_LINKER = "perform"


def linker_name() -> str:
    name = os.environ.get("ONEIROS_PYTENSOR_LINKER", DEFAULT_LINKER)
    if name not in LINKERS:
        raise ValueError(f"ONEIROS_PYTENSOR_LINKER must be one of {', '.join(LINKERS)}; received {name!r}.")
    return name


@functools.cache
def loop_body_mode(name: str) -> Mode:
    """How ``pytensor.scan`` runs its body. For perform, PyTensor's Python VM on the body as
    traced: without it Scan compiles its body with g++ (the SMS LSTM's took minutes of wall time
    on the shared 2-core machine, for a body of small matrices that numpy runs fast enough)."""
    mode = compile_mode(name)
    return mode if mode is not None else Mode(linker=VMLinker(use_cloop=False, c_thunks=False), optimizer=None)


@functools.cache
def compile_mode(name: str) -> Mode | None:
    """The PyTensor mode compiling for linker ``name``; None for perform (nothing compiles)."""
    if name == "numba":
        return get_mode("NUMBA")
    if name == "c":
        return Mode(linker="cvm", optimizer="fast_run")
    return None
