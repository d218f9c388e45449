"""The process-wide source of seeds for everything created without an explicit seed.

Unseeded initializers (and anything else that needs fresh randomness) call :func:`next_seed`,
so ``set_random_seed(1234)`` before building a model makes its initial weights reproducible.
"""

from __future__ import annotations

import numbers
import random
import threading

import numpy as np

SEED_LIMIT = 2**31
"""Seeds drawn here lie in [0, SEED_LIMIT): every backend accepts them, 32-bit ones included."""

_lock = threading.Lock()
_generator = np.random.default_rng()
_reseeds = 0
_last_seed: int | None = None


def set_random_seed(seed: int) -> None:
    """Reseeds the generator behind :func:`next_seed`, Python's ``random`` and numpy's global one.

    Like ``keras.utils.set_random_seed``, the last two make user code that shuffles with
    ``random`` or ``np.random`` reproducible too.
    """
    global _generator, _reseeds, _last_seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed < 2**32:
        raise ValueError(f"set_random_seed: argument `seed` must be an int in [0, 2**32); "
                         f"received seed={seed!r}.")
    with _lock:
        _generator = np.random.default_rng(int(seed))
        _reseeds += 1
        _last_seed = int(seed)
        random.seed(int(seed))
        np.random.seed(int(seed))


def next_seed() -> int:
    """A fresh seed in [0, SEED_LIMIT), the next in the sequence :func:`set_random_seed` fixed."""
    with _lock:
        return int(_generator.integers(0, SEED_LIMIT))


def seeding() -> tuple[int, int | None]:
    """How many times :func:`set_random_seed` ran, and the seed it last set (None before): the
    generator unseeded random ops draw from is derived from it, and replaced when it changes."""
    return _reseeds, _last_seed
