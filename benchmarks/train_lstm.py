"""Training speed of Embedding(20000, 128) -> LSTM(64) -> Dense(1) on length-200 sequences.

Contenders, each in a fresh process: oneiros on jax (the oneiros-text layers), Keras 3 on JAX,
and a hand-written JAX ``lax.scan`` LSTM with optax. The hand-written step projects each step's
inputs inside the loop: hoisting that projection out (one large matmul) measured ~1.5x slower on
XLA:CPU. Binary cross-entropy, Adam, batch 128, float32. Prints samples/second (median of the
epochs after the first, which compiles), the first epoch's time, peak RSS, and ratios. The
contenders run in ``--rounds`` interleaved rounds and each keeps its best round, so a burst of
load on a shared machine hurts all three alike rather than whichever ran then. The workload's
pieces are shared with train_gpu.py.

Run: .venv/bin/python benchmarks/train_lstm.py [--samples 5120] [--repeats 3] [--rounds 2]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _compare import compare  # noqa: E402
from _workload import Workload  # noqa: E402

VOCABULARY = 20000
EMBEDDING = 128
UNITS = 64
LENGTH = 200


def data(samples: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.integers(1, VOCABULARY, size=(samples, LENGTH)).astype(np.int32)
    return x, rng.integers(0, 2, size=(samples, 1)).astype(np.float32)


def keras_model() -> Any:
    import keras

    return keras.Sequential([keras.Input((LENGTH,), dtype="int32"), keras.layers.Embedding(VOCABULARY, EMBEDDING),
                             keras.layers.LSTM(UNITS), keras.layers.Dense(1, activation="sigmoid")])


def oneiros_model() -> Any:
    import oneiros as oi
    from oneiros import layers

    return oi.Sequential([layers.Input((LENGTH,), dtype="int32"), layers.Embedding(VOCABULARY, EMBEDDING),
                          layers.LSTM(UNITS), layers.Dense(1, activation="sigmoid")])


def jax_params(key: Any) -> Any:
    import jax
    import jax.numpy as jnp

    keys = jax.random.split(key, 4)
    return {
        "embeddings": jax.random.uniform(keys[0], (VOCABULARY, EMBEDDING), minval=-0.05, maxval=0.05),
        "kernel": jax.random.normal(keys[1], (EMBEDDING, 4 * UNITS)) * np.sqrt(1 / EMBEDDING),
        "recurrent_kernel": jax.random.normal(keys[2], (UNITS, 4 * UNITS)) * np.sqrt(1 / UNITS),
        "bias": jnp.zeros(4 * UNITS).at[UNITS:2 * UNITS].set(1.0),
        "dense": jax.random.normal(keys[3], (UNITS, 1)) * np.sqrt(1 / UNITS),
        "dense_bias": jnp.zeros(1),
    }


def jax_loss(params: Any, x: Any, y: Any, key: None) -> Any:
    import jax
    import jax.numpy as jnp

    embedded = params["embeddings"][x]                                                  # (batch, time, 128)

    def step(carry: tuple[Any, Any], x_t: Any) -> tuple[tuple[Any, Any], None]:
        h, c = carry
        z = x_t @ params["kernel"] + h @ params["recurrent_kernel"] + params["bias"]
        i, f, g, o = jnp.split(z, 4, axis=-1)
        c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
        h = jax.nn.sigmoid(o) * jnp.tanh(c)
        return (h, c), None

    zeros = jnp.zeros((x.shape[0], UNITS))
    (h, _), _ = jax.lax.scan(step, (zeros, zeros), jnp.swapaxes(embedded, 0, 1))
    probability = jnp.clip(jax.nn.sigmoid(h @ params["dense"] + params["dense_bias"]), 1e-7, 1 - 1e-7)
    return -jnp.mean(y * jnp.log(probability) + (1 - y) * jnp.log(1 - probability))


WORKLOAD = Workload(title=f"Embedding({VOCABULARY}, {EMBEDDING}) -> LSTM({UNITS}) -> Dense(1) training, "
                          f"length {LENGTH}", loss="binary_crossentropy", data=data, keras_model=keras_model,
                    oneiros_model=oneiros_model, jax_params=jax_params, jax_loss=jax_loss)

if __name__ == "__main__":
    compare(__file__, __doc__, WORKLOAD, samples=5120, rounds=2)
