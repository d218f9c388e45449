"""Training speed of the classic Keras MNIST convnet (batch 128, Adam, float32).

Conv2D(32, 3, relu) -> MaxPooling2D(2) -> Conv2D(64, 3, relu) -> MaxPooling2D(2) -> Flatten ->
Dropout(0.5) -> Dense(10, softmax), on random 28x28x1 images.

Contenders, each in a fresh process: oneiros on jax (the oneiros-vision layers), Keras 3 on
JAX, a hand-written jitted JAX + optax step. Prints samples/second (median of the epochs after
the first, which compiles), the first epoch's time, peak RSS, and ratios.

Run: .venv/bin/python benchmarks/train_cnn.py [--samples 8192] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _harness import print_table, run_contenders, timed_epochs  # noqa: E402

BATCH = 128
DROPOUT = 0.5
CONTENDERS = ["oneiros", "keras", "jax+optax"]


def data(samples: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.random((samples, 28, 28, 1), dtype=np.float32), rng.integers(0, 10, samples).astype(np.int32)


def oneiros_worker(x: np.ndarray, y: np.ndarray, repeats: int) -> dict:
    import oneiros as oi
    from oneiros_vision.models import mnist_convnet

    oi.set_backend("jax")
    model = mnist_convnet(dropout=DROPOUT)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return timed_epochs(lambda: model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False),
                        len(x), repeats)


def keras_worker(x: np.ndarray, y: np.ndarray, repeats: int) -> dict:
    import keras

    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(32, 3, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(64, 3, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(),
        keras.layers.Dropout(DROPOUT),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return timed_epochs(lambda: model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False),
                        len(x), repeats)


def jax_worker(x: np.ndarray, y: np.ndarray, repeats: int) -> dict:
    import jax
    import jax.numpy as jnp
    import optax
    from jax import lax

    def glorot(key, shape, fan_in, fan_out):
        limit = np.sqrt(6 / (fan_in + fan_out))
        return jax.random.uniform(key, shape, minval=-limit, maxval=limit)

    keys = jax.random.split(jax.random.PRNGKey(0), 4)
    params = {
        "conv1": (glorot(keys[0], (3, 3, 1, 32), 9, 288), jnp.zeros(32)),
        "conv2": (glorot(keys[1], (3, 3, 32, 64), 288, 576), jnp.zeros(64)),
        "dense": (glorot(keys[2], (1600, 10), 1600, 10), jnp.zeros(10)),
    }
    optimizer = optax.adam(1e-3)
    opt_state = optimizer.init(params)

    def conv_relu_pool(h, kernel, bias):
        h = lax.conv_general_dilated(h, kernel, (1, 1), "VALID", dimension_numbers=("NHWC", "HWIO", "NHWC"))
        h = jax.nn.relu(h + bias)
        return lax.reduce_window(h, -jnp.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")

    def loss_fn(params, xb, yb, key):
        h = conv_relu_pool(xb, *params["conv1"])
        h = conv_relu_pool(h, *params["conv2"])
        h = h.reshape(h.shape[0], -1)
        keep = jax.random.bernoulli(key, 1 - DROPOUT, h.shape)
        h = jnp.where(keep, h / (1 - DROPOUT), 0)
        w, b = params["dense"]
        probabilities = jax.nn.softmax(h @ w + b)
        return -jnp.mean(jnp.log(jnp.take_along_axis(probabilities, yb[:, None], axis=1) + 1e-7))

    @jax.jit
    def step(params, opt_state, key, xb, yb):
        key, dropout_key = jax.random.split(key)
        loss, grads = jax.value_and_grad(loss_fn)(params, xb, yb, dropout_key)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, key, loss

    state = {"params": params, "opt": opt_state, "key": keys[3]}

    def epoch() -> None:
        loss = None
        for start in range(0, len(x), BATCH):
            state["params"], state["opt"], state["key"], loss = step(
                state["params"], state["opt"], state["key"], x[start:start + BATCH], y[start:start + BATCH])
        loss.block_until_ready()

    return timed_epochs(epoch, len(x), repeats)


WORKERS = {"oneiros": oneiros_worker, "keras": keras_worker, "jax+optax": jax_worker}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=8192)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--worker", choices=sorted(WORKERS))
    args = parser.parse_args()
    if args.worker:
        x, y = data(args.samples)
        print(json.dumps(WORKERS[args.worker](x, y, args.repeats)))
        return
    results = run_contenders(__file__, CONTENDERS, ["--samples", str(args.samples), "--repeats", str(args.repeats)])
    print_table(f"MNIST convnet training, batch {BATCH}, {args.samples} samples/epoch", results, "keras")
    ours, hand = results.get("oneiros", {}), results.get("jax+optax", {})
    if "samples_per_second" in ours and "samples_per_second" in hand:
        print(f"oneiros / hand-written JAX: {ours['samples_per_second'] / hand['samples_per_second']:.2f}x")


if __name__ == "__main__":
    main()
