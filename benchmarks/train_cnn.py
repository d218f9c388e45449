"""Training speed of the classic Keras MNIST convnet (batch 128, Adam, float32).

Conv2D(32, 3, relu) -> MaxPooling2D(2) -> Conv2D(64, 3, relu) -> MaxPooling2D(2) -> Flatten ->
Dropout(0.5) -> Dense(10, softmax), on random 28x28x1 images.

Contenders, each in a fresh process: oneiros on jax (the oneiros-vision layers), Keras 3 on
JAX, a hand-written jitted JAX + optax step. Prints samples/second (median of the epochs after
the first, which compiles), the first epoch's time, peak RSS, and ratios. The workload's pieces
are shared with train_gpu.py.

Run: .venv/bin/python benchmarks/train_cnn.py [--samples 8192] [--repeats 3] [--rounds 1]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _compare import compare  # noqa: E402
from _workload import Workload, sparse_categorical_crossentropy  # noqa: E402

DROPOUT = 0.5


def data(samples: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.random((samples, 28, 28, 1), dtype=np.float32), rng.integers(0, 10, samples).astype(np.int32)


def keras_model() -> Any:
    import keras

    return keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(32, 3, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(64, 3, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(),
        keras.layers.Dropout(DROPOUT),
        keras.layers.Dense(10, activation="softmax"),
    ])


def oneiros_model() -> Any:
    from oneiros_vision.models import mnist_convnet

    return mnist_convnet(dropout=DROPOUT)


def jax_params(key: Any) -> Any:
    import jax
    import jax.numpy as jnp

    def glorot(key: Any, shape: tuple[int, ...], fan_in: int, fan_out: int) -> Any:
        limit = np.sqrt(6 / (fan_in + fan_out))
        return jax.random.uniform(key, shape, minval=-limit, maxval=limit)

    keys = jax.random.split(key, 3)
    return {
        "conv1": (glorot(keys[0], (3, 3, 1, 32), 9, 288), jnp.zeros(32)),
        "conv2": (glorot(keys[1], (3, 3, 32, 64), 288, 576), jnp.zeros(64)),
        "dense": (glorot(keys[2], (1600, 10), 1600, 10), jnp.zeros(10)),
    }


def _conv_relu_pool(h: Any, kernel: Any, bias: Any) -> Any:
    import jax
    import jax.numpy as jnp
    from jax import lax

    h = lax.conv_general_dilated(h, kernel, (1, 1), "VALID", dimension_numbers=("NHWC", "HWIO", "NHWC"))
    h = jax.nn.relu(h + bias)
    return lax.reduce_window(h, -jnp.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")


def jax_loss(params: Any, x: Any, y: Any, key: Any) -> Any:
    import jax
    import jax.numpy as jnp

    h = _conv_relu_pool(x, *params["conv1"])
    h = _conv_relu_pool(h, *params["conv2"])
    h = h.reshape(h.shape[0], -1)
    keep = jax.random.bernoulli(key, 1 - DROPOUT, h.shape)
    h = jnp.where(keep, h / (1 - DROPOUT), 0)
    kernel, bias = params["dense"]
    return sparse_categorical_crossentropy(jax.nn.softmax(h @ kernel + bias), y)


WORKLOAD = Workload(title="MNIST convnet training", loss="sparse_categorical_crossentropy", data=data,
                    keras_model=keras_model, oneiros_model=oneiros_model, jax_params=jax_params, jax_loss=jax_loss,
                    jax_needs_key=True)

if __name__ == "__main__":
    compare(__file__, __doc__, WORKLOAD, samples=8192)
