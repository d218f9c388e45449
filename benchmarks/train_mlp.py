"""Training speed of the MLP 784-512-512-10 (relu, softmax, Adam, batch 128, float32).

Contenders, each in a fresh process: oneiros on jax, Keras 3 on JAX, a hand-written jitted
JAX + optax step. Prints samples/second (median of 3 epochs after the first, which compiles),
the first epoch's time, peak RSS, and ratios.

Run: .venv/bin/python benchmarks/train_mlp.py [--samples 30000]
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
CONTENDERS = ["oneiros", "keras", "jax+optax"]


def data(samples: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.random((samples, 784), dtype=np.float32), rng.integers(0, 10, samples).astype(np.int32)


def oneiros_worker(x: np.ndarray, y: np.ndarray, repeats: int) -> dict:
    import oneiros as oi
    from oneiros import layers

    oi.set_backend("jax")
    model = oi.Sequential([layers.Input((784,)), layers.Dense(512, activation="relu"),
                           layers.Dense(512, activation="relu"), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return timed_epochs(lambda: model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False),
                        len(x), repeats)


def keras_worker(x: np.ndarray, y: np.ndarray, repeats: int) -> dict:
    import keras

    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(512, activation="relu"),
                              keras.layers.Dense(512, activation="relu"), keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return timed_epochs(lambda: model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False),
                        len(x), repeats)


def jax_worker(x: np.ndarray, y: np.ndarray, repeats: int) -> dict:
    import jax
    import jax.numpy as jnp
    import optax

    keys = jax.random.split(jax.random.PRNGKey(0), 3)
    sizes = [(784, 512), (512, 512), (512, 10)]
    params = [(jax.random.normal(k, s) * np.sqrt(2 / s[0]), jnp.zeros(s[1])) for k, s in zip(keys, sizes)]
    optimizer = optax.adam(1e-3)
    opt_state = optimizer.init(params)

    def loss_fn(params, xb, yb):
        h = xb
        for index, (w, b) in enumerate(params):
            h = h @ w + b
            if index < len(params) - 1:
                h = jax.nn.relu(h)
        probabilities = jax.nn.softmax(h)
        return -jnp.mean(jnp.log(jnp.take_along_axis(probabilities, yb[:, None], axis=1) + 1e-7))

    @jax.jit
    def step(params, opt_state, xb, yb):
        loss, grads = jax.value_and_grad(loss_fn)(params, xb, yb)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, loss

    state = {"params": params, "opt": opt_state}

    def epoch() -> None:
        loss = None
        for start in range(0, len(x), BATCH):
            state["params"], state["opt"], loss = step(state["params"], state["opt"], x[start:start + BATCH],
                                                       y[start:start + BATCH])
        loss.block_until_ready()

    return timed_epochs(epoch, len(x), repeats)


WORKERS = {"oneiros": oneiros_worker, "keras": keras_worker, "jax+optax": jax_worker}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=30000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--worker", choices=sorted(WORKERS))
    args = parser.parse_args()
    if args.worker:
        x, y = data(args.samples)
        print(json.dumps(WORKERS[args.worker](x, y, args.repeats)))
        return
    results = run_contenders(__file__, CONTENDERS, ["--samples", str(args.samples), "--repeats", str(args.repeats)])
    print_table(f"MLP 784-512-512-10 training, batch {BATCH}, {args.samples} samples/epoch", results, "keras")
    ours, hand = results.get("oneiros", {}), results.get("jax+optax", {})
    if "samples_per_second" in ours and "samples_per_second" in hand:
        print(f"oneiros / hand-written JAX: {ours['samples_per_second'] / hand['samples_per_second']:.2f}x")


if __name__ == "__main__":
    main()
