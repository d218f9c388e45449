"""SeedGenerator: fresh random keys, held in a variable so compiled steps thread them as state.

A layer that stores a ``SeedGenerator`` in an attribute tracks its state: the state is one of
the layer's ``variables`` (so compiled training, evaluation and prediction carry it from call to
call, and ``.oneiros`` files save it for exact resumption) but not one of its ``weights``, as in
Keras. Unseeded random ops draw from one process-wide generator per backend, whose state the
compiled steps thread the same way: every call draws new numbers, never the numbers of the
trace.
"""

from __future__ import annotations

import itertools
import numbers
import secrets
import threading
from typing import Any

from oneiros import ops
from oneiros.variables import Variable

STATE_NAME = "seed_generator_state"
GLOBAL_STREAM_MULTIPLIER = 0x9E3779B97F4A7C15
"""Maps the global seed to the global generator's seed, so that it does not draw the numbers of a
layer given the same seed (an odd multiplier permutes the seeds modulo 2**63)."""

_names = itertools.count()
_global_lock = threading.Lock()
_global_generators: dict[str, tuple[int, SeedGenerator]] = {}


class SeedGenerator:
    """A stream of random keys: each :meth:`next` returns a new key and advances the state.

    Pass it as the ``seed`` of ``oi.random`` functions, or take keys with :meth:`next` for
    ``ops`` random functions. Stored on a layer, its state is threaded through compiled steps.

    Example::

        class Sampling(oi.layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.seed_generator = oi.random.SeedGenerator(1337)

            def call(self, inputs):
                mean, log_var = inputs
                epsilon = oi.random.normal(ops.shape(mean), seed=self.seed_generator)
                return mean + ops.exp(0.5 * log_var) * epsilon
    """

    def __init__(self, seed: int | None = None, name: str | None = None, **kwargs: Any):
        from oneiros.random_state import next_seed

        if kwargs:
            raise TypeError(f"SeedGenerator got unexpected keyword arguments {sorted(kwargs)}; expected seed "
                            "and name.")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)
                                 or not 0 <= seed < 2**63):
            raise ValueError(f"SeedGenerator: argument `seed` must be None or an int in [0, 2**63); "
                             f"received seed={seed!r}.")
        index = next(_names)
        self.name = name or ("seed_generator" if index == 0 else f"seed_generator_{index}")
        self.seed = next_seed() if seed is None else int(seed)
        self.state = Variable(ops.make_seed(self.seed), name=STATE_NAME, trainable=False, dtype="uint32")
        self.state.counts_as_parameter = False

    def next(self) -> Any:
        """A new key (uint32, shape (2,)); advances the stored state."""
        keys = ops.split_seed(self.state.value, 2)
        self.state._value = keys[0]
        return keys[1]

    def get_config(self) -> dict[str, Any]:
        return {"seed": self.seed, "name": self.name}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> SeedGenerator:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<SeedGenerator name={self.name!r} seed={self.seed}>"


def global_seed_generator() -> SeedGenerator:
    """The generator unseeded random ops draw from, one per backend; ``set_random_seed``
    replaces it with one derived from the new global seed (without drawing from the sequence
    that seeds initializers, so creating it changes no model's initial weights)."""
    from oneiros.backend import get_backend
    from oneiros.random_state import seeding

    backend = get_backend().name
    generation, seed = seeding()
    with _global_lock:
        known = _global_generators.get(backend)
        if known is None or known[0] != generation:
            base = secrets.randbits(63) if seed is None else seed
            derived = (base * GLOBAL_STREAM_MULTIPLIER + 1) % 2**63
            known = (generation, SeedGenerator(derived, name="global_seed_generator"))
            _global_generators[backend] = known
        return known[1]


def draw_seed(seed: Any) -> Any:
    """What a random op receives for ``seed``: a key from a SeedGenerator or from the global one
    (for ``None``); ints and keys as given (an int seed gives the same numbers every call)."""
    if seed is None:
        return global_seed_generator().next()
    if isinstance(seed, SeedGenerator):
        return seed.next()
    return seed
