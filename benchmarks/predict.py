"""Inference speed: ``predict`` on 10,000 samples, batch 128, for the MLP and the MNIST convnet.

Models: the MLP 784-512-512-10 (relu, softmax) and, when oneiros-vision is installed, the
classic Keras MNIST convnet (Conv2D 32 -> MaxPool -> Conv2D 64 -> MaxPool -> Flatten -> Dropout
-> Dense 10). Contenders, each in a fresh process: oneiros on the onnx backend (ONNX Runtime),
oneiros on jax, Keras 3 on JAX (``predict``), and a hand-written jitted JAX forward over the
same batches. Prints samples/second (median of the passes after the first, which compiles), the
first pass's time, peak RSS, and ratios to Keras.

Run: .venv/bin/python benchmarks/predict.py [--samples 10000] [--repeats 5] [--rounds 1] [--models mlp,convnet]
(``--rounds`` N runs the contenders in N interleaved rounds, each keeping its best: on a shared
machine a burst of load then hurts all of them alike.)
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _harness import print_table, run_contenders, timed_epochs  # noqa: E402

BATCH = 128
CONTENDERS = ["oneiros onnx", "oneiros jax", "keras", "jax jit"]
INPUT_SHAPES = {"mlp": (784,), "convnet": (28, 28, 1)}


def data(model: str, samples: int) -> np.ndarray:
    return np.random.default_rng(0).random((samples, *INPUT_SHAPES[model]), dtype=np.float32)


def oneiros_model(model: str) -> Any:
    import oneiros as oi
    from oneiros import layers

    if model == "convnet":
        from oneiros_vision.models import mnist_convnet

        return mnist_convnet()
    return oi.Sequential([layers.Input((784,)), layers.Dense(512, activation="relu"),
                          layers.Dense(512, activation="relu"), layers.Dense(10, activation="softmax")])


def oneiros_worker(backend: str, model: str, x: np.ndarray, repeats: int) -> dict:
    import oneiros as oi

    oi.set_backend(backend)
    network = oneiros_model(model)
    return timed_epochs(lambda: network.predict(x, batch_size=BATCH, verbose=0), len(x), repeats)


def keras_worker(model: str, x: np.ndarray, repeats: int) -> dict:
    import keras

    if model == "convnet":
        network = keras.Sequential([
            keras.Input((28, 28, 1)),
            keras.layers.Conv2D(32, 3, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(64, 3, activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dropout(0.5),
            keras.layers.Dense(10, activation="softmax"),
        ])
    else:
        network = keras.Sequential([keras.Input((784,)), keras.layers.Dense(512, activation="relu"),
                                    keras.layers.Dense(512, activation="relu"),
                                    keras.layers.Dense(10, activation="softmax")])
    return timed_epochs(lambda: network.predict(x, batch_size=BATCH, verbose=0), len(x), repeats)


def jax_worker(model: str, x: np.ndarray, repeats: int) -> dict:
    import jax
    import jax.numpy as jnp
    from jax import lax

    keys = jax.random.split(jax.random.PRNGKey(0), 3)
    if model == "convnet":
        params = [(jax.random.normal(keys[0], (3, 3, 1, 32)) * 0.1, jnp.zeros(32)),
                  (jax.random.normal(keys[1], (3, 3, 32, 64)) * 0.05, jnp.zeros(64)),
                  (jax.random.normal(keys[2], (1600, 10)) * 0.03, jnp.zeros(10))]

        def forward(params: Any, xb: Any) -> Any:
            h = xb
            for kernel, bias in params[:2]:
                h = lax.conv_general_dilated(h, kernel, (1, 1), "VALID", dimension_numbers=("NHWC", "HWIO", "NHWC"))
                h = lax.reduce_window(jax.nn.relu(h + bias), -jnp.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
            w, b = params[2]
            return jax.nn.softmax(h.reshape(h.shape[0], -1) @ w + b)
    else:
        sizes = [(784, 512), (512, 512), (512, 10)]
        params = [(jax.random.normal(k, s) * np.sqrt(2 / s[0]), jnp.zeros(s[1])) for k, s in zip(keys, sizes)]

        def forward(params: Any, xb: Any) -> Any:
            h = xb
            for index, (w, b) in enumerate(params):
                h = h @ w + b
                h = jax.nn.relu(h) if index < len(params) - 1 else jax.nn.softmax(h)
            return h

    jitted = jax.jit(forward)

    def run() -> None:
        outputs = [np.asarray(jitted(params, x[start:start + BATCH])) for start in range(0, len(x), BATCH)]
        np.concatenate(outputs)

    return timed_epochs(run, len(x), repeats)


def worker(name: str, model: str, x: np.ndarray, repeats: int) -> dict:
    if name == "oneiros onnx":
        return oneiros_worker("onnx", model, x, repeats)
    if name == "oneiros jax":
        return oneiros_worker("jax", model, x, repeats)
    if name == "keras":
        return keras_worker(model, x, repeats)
    return jax_worker(model, x, repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=10000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--models", default="mlp,convnet")
    parser.add_argument("--worker", choices=CONTENDERS)
    parser.add_argument("--model", choices=sorted(INPUT_SHAPES))
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.model, data(args.model, args.samples), args.repeats)))
        return
    for model in args.models.split(","):
        if model == "convnet" and importlib.util.find_spec("oneiros_vision") is None:
            print("convnet skipped: oneiros-vision is not installed")
            continue
        results = run_contenders(__file__, CONTENDERS, ["--model", model, "--samples", str(args.samples),
                                                        "--repeats", str(args.repeats)], rounds=args.rounds)
        print_table(f"{model} predict, batch {BATCH}, {args.samples} samples", results, "keras")


if __name__ == "__main__":
    main()
