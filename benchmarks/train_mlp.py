"""Training speed of the MLP 784-512-512-10 (relu, softmax, Adam, batch 128, float32).

Contenders, each in a fresh process: oneiros on jax, Keras 3 on JAX, a hand-written jitted
JAX + optax step. Prints samples/second (median of 3 epochs after the first, which compiles),
the first epoch's time, peak RSS, and ratios. The workload's pieces are shared with
train_gpu.py.

Run: .venv/bin/python benchmarks/train_mlp.py [--samples 30000] [--repeats 3] [--rounds 1]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _compare import compare  # noqa: E402
from _workload import Workload, sparse_categorical_crossentropy  # noqa: E402

LAYERS = (784, 512, 512, 10)


def data(samples: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.random((samples, 784), dtype=np.float32), rng.integers(0, 10, samples).astype(np.int32)


def keras_model() -> Any:
    import keras

    return keras.Sequential([keras.Input((784,)), keras.layers.Dense(512, activation="relu"),
                             keras.layers.Dense(512, activation="relu"), keras.layers.Dense(10, activation="softmax")])


def oneiros_model() -> Any:
    import oneiros as oi
    from oneiros import layers

    return oi.Sequential([layers.Input((784,)), layers.Dense(512, activation="relu"),
                          layers.Dense(512, activation="relu"), layers.Dense(10, activation="softmax")])


def jax_params(key: Any) -> Any:
    import jax
    import jax.numpy as jnp

    keys = jax.random.split(key, len(LAYERS) - 1)
    return [(jax.random.normal(k, (n_in, n_out)) * np.sqrt(2 / n_in), jnp.zeros(n_out))
            for k, n_in, n_out in zip(keys, LAYERS[:-1], LAYERS[1:])]


def jax_loss(params: Any, x: Any, y: Any, key: None) -> Any:
    import jax

    h = x
    for index, (kernel, bias) in enumerate(params):
        h = h @ kernel + bias
        if index < len(params) - 1:
            h = jax.nn.relu(h)
    return sparse_categorical_crossentropy(jax.nn.softmax(h), y)


WORKLOAD = Workload(title="MLP 784-512-512-10 training", loss="sparse_categorical_crossentropy", data=data,
                    keras_model=keras_model, oneiros_model=oneiros_model, jax_params=jax_params, jax_loss=jax_loss)

if __name__ == "__main__":
    compare(__file__, __doc__, WORKLOAD, samples=30000)
