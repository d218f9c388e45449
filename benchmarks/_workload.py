"""What a training benchmark trains: the data, the same network in Keras 3 and in Oneiros, and
the pieces a hand-written JAX + optax loop needs. Each ``train_*.py`` script defines one.

Everything that imports JAX, Keras or Oneiros does so inside the functions, so the parent
process of a benchmark imports none of them and never touches the accelerator: each contender's
fresh process gets all of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

BATCH = 128


def adam() -> Any:
    """The optax counterpart of ``compile(optimizer="adam")``: learning rate 1e-3."""
    import optax

    return optax.adam(1e-3)


def sparse_categorical_crossentropy(probabilities: Any, labels: Any) -> Any:
    """Mean cross-entropy of integer labels under softmax ``probabilities``, computed from the
    probabilities as Keras and Oneiros do for a softmax output layer."""
    import jax.numpy as jnp

    return -jnp.mean(jnp.log(jnp.take_along_axis(probabilities, labels[:, None], axis=1) + 1e-7))


@dataclass(frozen=True)
class Workload:
    """One benchmarked model.

    ``jax_loss(params, x, y, key)`` is the hand-written forward pass and loss; ``key`` is a fresh
    PRNG key per step when ``jax_needs_key`` (dropout), else ``None``, so that deterministic
    models pay for no random numbers.
    """

    title: str
    loss: str
    data: Callable[[int], tuple[np.ndarray, np.ndarray]]
    keras_model: Callable[[], Any]
    oneiros_model: Callable[[], Any]
    jax_params: Callable[[Any], Any]
    jax_loss: Callable[[Any, Any, Any, Any], Any]
    jax_needs_key: bool = False
    jax_optimizer: Callable[[], Any] = adam
