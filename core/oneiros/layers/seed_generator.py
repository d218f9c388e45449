"""SeedGenerator: fresh random keys for a layer, held in a non-trainable variable.

Because the key lives in a variable, compiled training steps thread it like any other state:
every step draws new numbers, and a run is reproducible from the seed.
"""

from __future__ import annotations

from typing import Any

from oneiros import ops


class SeedGenerator:
    """Gives a layer a new key per call of :meth:`next`.

    Example (in a layer's ``__init__``, then ``call``)::

        self.seed_generator = SeedGenerator(self, seed)
        ...
        mask = ops.bernoulli(shape, keep, seed=self.seed_generator.next())
    """

    def __init__(self, layer: Any, seed: int | None = None, name: str = "seed_generator_state"):
        from oneiros.random_state import next_seed

        if seed is not None and (not isinstance(seed, int) or seed < 0):
            raise ValueError(f"seed must be a non-negative int or None; received {seed!r}.")
        self.seed = next_seed() if seed is None else seed
        initial = self.seed
        self.state = layer.add_weight(
            shape=(2,), dtype="uint32", trainable=False, name=name,
            initializer=lambda shape, dtype=None: ops.make_seed(initial),
        )
        self.state.counts_as_parameter = False

    def next(self) -> Any:
        """A new key; advances the stored state."""
        keys = ops.split_seed(self.state.value, 2)
        self.state._value = keys[0]
        return keys[1]
