"""Training speed of Embedding(20000, 128) -> LSTM(64) -> Dense(1) on length-200 sequences.

Contenders, each in a fresh process: oneiros on jax, Keras 3 on JAX, and a hand-written JAX
``lax.scan`` LSTM with optax. The hand-written step projects each step's inputs inside the
loop: hoisting that projection out (one large matmul) measured ~1.5x slower on XLA:CPU. Binary cross-entropy, Adam, batch 128, float32. Prints samples/second
(median of the epochs after the first, which compiles), the first epoch's time, peak RSS, and
ratios. The contenders run in ``--rounds`` interleaved rounds and each keeps its best round, so
a burst of load on a shared machine hurts all three alike rather than whichever ran then.

Run: .venv/bin/python benchmarks/train_lstm.py [--samples 5120] [--repeats 3] [--rounds 2]
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
VOCABULARY = 20000
EMBEDDING = 128
UNITS = 64
LENGTH = 200
CONTENDERS = ["oneiros", "keras", "jax+optax"]


def data(samples: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.integers(1, VOCABULARY, size=(samples, LENGTH)).astype(np.int32)
    return x, rng.integers(0, 2, size=(samples, 1)).astype(np.float32)


def oneiros_worker(x: np.ndarray, y: np.ndarray, repeats: int) -> dict:
    import oneiros as oi
    from oneiros import layers

    oi.set_backend("jax")
    model = oi.Sequential([layers.Input((LENGTH,), dtype="int32"), layers.Embedding(VOCABULARY, EMBEDDING),
                           layers.LSTM(UNITS), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return timed_epochs(lambda: model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False),
                        len(x), repeats)


def keras_worker(x: np.ndarray, y: np.ndarray, repeats: int) -> dict:
    import keras

    model = keras.Sequential([keras.Input((LENGTH,), dtype="int32"), keras.layers.Embedding(VOCABULARY, EMBEDDING),
                              keras.layers.LSTM(UNITS), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return timed_epochs(lambda: model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False),
                        len(x), repeats)


def jax_worker(x: np.ndarray, y: np.ndarray, repeats: int) -> dict:
    import jax
    import jax.numpy as jnp
    import optax

    keys = jax.random.split(jax.random.PRNGKey(0), 4)
    params = {
        "embeddings": jax.random.uniform(keys[0], (VOCABULARY, EMBEDDING), minval=-0.05, maxval=0.05),
        "kernel": jax.random.normal(keys[1], (EMBEDDING, 4 * UNITS)) * np.sqrt(1 / EMBEDDING),
        "recurrent_kernel": jax.random.normal(keys[2], (UNITS, 4 * UNITS)) * np.sqrt(1 / UNITS),
        "bias": jnp.zeros(4 * UNITS).at[UNITS:2 * UNITS].set(1.0),
        "dense": jax.random.normal(keys[3], (UNITS, 1)) * np.sqrt(1 / UNITS),
        "dense_bias": jnp.zeros(1),
    }
    optimizer = optax.adam(1e-3)
    opt_state = optimizer.init(params)

    def loss_fn(params, xb, yb):
        embedded = params["embeddings"][xb]                                             # (batch, time, 128)

        def step(carry, x_t):
            h, c = carry
            z = x_t @ params["kernel"] + h @ params["recurrent_kernel"] + params["bias"]
            i, f, g, o = jnp.split(z, 4, axis=-1)
            c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
            h = jax.nn.sigmoid(o) * jnp.tanh(c)
            return (h, c), None

        zeros = jnp.zeros((xb.shape[0], UNITS))
        (h, _), _ = jax.lax.scan(step, (zeros, zeros), jnp.swapaxes(embedded, 0, 1))
        probability = jax.nn.sigmoid(h @ params["dense"] + params["dense_bias"])
        probability = jnp.clip(probability, 1e-7, 1 - 1e-7)
        return -jnp.mean(yb * jnp.log(probability) + (1 - yb) * jnp.log(1 - probability))

    @jax.jit
    def train_step(params, opt_state, xb, yb):
        loss, grads = jax.value_and_grad(loss_fn)(params, xb, yb)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, loss

    state = {"params": params, "opt": opt_state}

    def epoch() -> None:
        loss = None
        for start in range(0, len(x), BATCH):
            state["params"], state["opt"], loss = train_step(state["params"], state["opt"], x[start:start + BATCH],
                                                             y[start:start + BATCH])
        loss.block_until_ready()

    return timed_epochs(epoch, len(x), repeats)


WORKERS = {"oneiros": oneiros_worker, "keras": keras_worker, "jax+optax": jax_worker}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=5120)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--worker", choices=sorted(WORKERS))
    args = parser.parse_args()
    if args.worker:
        x, y = data(args.samples)
        print(json.dumps(WORKERS[args.worker](x, y, args.repeats)))
        return
    results: dict[str, dict] = {}
    for _ in range(args.rounds):
        for name, result in run_contenders(__file__, CONTENDERS, ["--samples", str(args.samples), "--repeats",
                                                                 str(args.repeats)]).items():
            best = results.get(name, {}).get("samples_per_second", 0)
            if result.get("samples_per_second", 0) >= best:
                results[name] = result
    print_table(f"Embedding({VOCABULARY}, {EMBEDDING}) -> LSTM({UNITS}) -> Dense(1) training, length {LENGTH}, "
                f"batch {BATCH}, {args.samples} samples/epoch", results, "keras")
    ours, hand = results.get("oneiros", {}), results.get("jax+optax", {})
    if "samples_per_second" in ours and "samples_per_second" in hand:
        print(f"oneiros / hand-written JAX: {ours['samples_per_second'] / hand['samples_per_second']:.2f}x")


if __name__ == "__main__":
    main()
