"""Inference speed: ``predict`` on 10,000 samples, batch 128, for the MLP and the MNIST convnet.

Models: the MLP 784-512-512-10 (relu, softmax) and, when oneiros-vision is installed, the
classic Keras MNIST convnet (Conv2D 32 -> MaxPool -> Conv2D 64 -> MaxPool -> Flatten -> Dropout
-> Dense 10), each trained first (in its own process, on jax) for 2 epochs on the first 8,000
MNIST t10k images in ../shared/data. Contenders, each in a fresh process: oneiros on the onnx
backend (ONNX Runtime) in float32 (``predict``), and served as ONNX Runtime sessions
(``OnnxModel``: parts of the rows on two one-thread runs at once): the float32 export, static
int8 (calibrated on 500 training images) and float16 (``load_model(..., quantize=)``); oneiros on jax, Keras 3 on JAX
(``predict``) with the same weights, and a hand-written jitted JAX forward over the same batches
(random weights).
The timed samples are the 2,000 held-out images, repeated. Prints samples/second (median of the
passes after the first, which compiles), the first pass's time, peak RSS, ratios to Keras, and
each contender's accuracy on the held-out images.

Run: .venv/bin/python benchmarks/predict.py [--samples 10000] [--repeats 5] [--rounds 1] [--models mlp,convnet]
(``--rounds`` N runs the contenders in N interleaved rounds, each keeping its best: on a shared
machine a burst of load then hurts all of them alike.)
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _harness import print_table, run_contenders, timed_epochs  # noqa: E402

BATCH = 128
CONTENDERS = ["oneiros onnx", "onnx file float32", "oneiros onnx int8", "oneiros onnx float16", "oneiros jax", "keras",
              "jax jit"]
SERVED = {"onnx file float32": None, "oneiros onnx int8": "int8", "oneiros onnx float16": "float16"}
"""Contenders served as OnnxModel sessions: the float32 export, int8, float16."""
INPUT_SHAPES = {"mlp": (784,), "convnet": (28, 28, 1)}
DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
TRAIN_IMAGES = 8000
"""The data README's split of the t10k files: the first 8,000 train, the last 2,000 test."""
CALIBRATION_ROWS = 500


def mnist(model: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x_train, y_train, x_test, y_test): pixels / 255 shaped as ``model``'s input."""
    from oneiros_vision.datasets.mnist import load_split

    images, labels = load_split(DATA, "test")
    pixels = (images.astype(np.float32) / 255).reshape(len(images), *INPUT_SHAPES[model])
    return pixels[:TRAIN_IMAGES], labels[:TRAIN_IMAGES], pixels[TRAIN_IMAGES:], labels[TRAIN_IMAGES:]


def data(model: str, samples: int) -> np.ndarray:
    """The held-out images repeated to ``samples`` rows."""
    held_out = mnist(model)[2]
    return np.resize(held_out, (samples, *held_out.shape[1:]))


def accuracy(model: str, predict: Any) -> str:
    _, _, x_test, y_test = mnist(model)
    return f"{np.mean(np.asarray(predict(x_test)).argmax(-1) == y_test):.2%}"


def prepare(model: str, folder: Path) -> None:
    """Trains the oneiros ``model`` on jax and saves it as FOLDER/MODEL.oneiros, with its weights
    layer by layer (Keras's order) in FOLDER/MODEL.npz."""
    import oneiros as oi

    oi.set_backend("jax")
    oi.set_random_seed(0)
    x_train, y_train, _, _ = mnist(model)
    network = oneiros_model(model)
    # steps_per_execution=1 and whole batches of 64: at 8ea7ab7 other choices leak Dropout's seed tracer on jax.
    network.compile(optimizer="adam", loss="sparse_categorical_crossentropy", steps_per_execution=1)
    network.fit(x_train, y_train.astype(np.int32), epochs=2, batch_size=64, verbose=0)
    network.save(folder / f"{model}.oneiros")
    np.savez(folder / f"{model}.npz", *[weight for layer in network.layers for weight in layer.get_weights()])


def oneiros_model(model: str) -> Any:
    import oneiros as oi
    from oneiros import layers

    if model == "convnet":
        from oneiros_vision.models import mnist_convnet

        return mnist_convnet()
    return oi.Sequential([layers.Input((784,)), layers.Dense(512, activation="relu"),
                          layers.Dense(512, activation="relu"), layers.Dense(10, activation="softmax")])


def oneiros_worker(backend: str, model: str, x: np.ndarray, repeats: int, folder: Path, served: bool = False,
                   quantize: str | None = None) -> dict:
    import oneiros as oi

    oi.set_backend(backend)
    network = oi.load_model(folder / f"{model}.oneiros", compile=False)
    if not served:
        def predict(inputs: np.ndarray) -> Any:
            return network.predict(inputs, batch_size=BATCH, verbose=0)
    else:
        if quantize is None:
            from oneiros_onnx.export import to_onnx
            from oneiros_onnx.model_file import serve

            session = serve(to_onnx(network), f"{model}.onnx")
        else:
            session = oi.load_model(folder / f"{model}.oneiros", backend="onnx", quantize=quantize,
                                    calibration_data=mnist(model)[0][:CALIBRATION_ROWS])

        def predict(inputs: np.ndarray) -> Any:
            return session.predict(inputs, batch_size=BATCH)
    return {**timed_epochs(lambda: predict(x), len(x), repeats), "accuracy": accuracy(model, predict)}


def keras_worker(model: str, x: np.ndarray, repeats: int, folder: Path) -> dict:
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
    stored = np.load(folder / f"{model}.npz")
    network.set_weights([stored[f"arr_{index}"] for index in range(len(stored.files))])

    def predict(inputs: np.ndarray) -> Any:
        return network.predict(inputs, batch_size=BATCH, verbose=0)

    return {**timed_epochs(lambda: predict(x), len(x), repeats), "accuracy": accuracy(model, predict)}


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


def worker(name: str, model: str, x: np.ndarray, repeats: int, folder: Path) -> dict:
    if name == "oneiros onnx" or name in SERVED:
        return oneiros_worker("onnx", model, x, repeats, folder, name in SERVED, SERVED.get(name))
    if name == "oneiros jax":
        return oneiros_worker("jax", model, x, repeats, folder)
    if name == "keras":
        return keras_worker(model, x, repeats, folder)
    return jax_worker(model, x, repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=10000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--models", default="mlp,convnet")
    parser.add_argument("--worker", choices=CONTENDERS)
    parser.add_argument("--model", choices=sorted(INPUT_SHAPES))
    parser.add_argument("--trained", type=Path, help="folder of the trained models (made by --prepare)")
    parser.add_argument("--prepare", action="store_true", help="train --model into --trained")
    args = parser.parse_args()
    if args.prepare:
        prepare(args.model, args.trained)
        return
    if args.worker:
        print(json.dumps(worker(args.worker, args.model, data(args.model, args.samples), args.repeats,
                                args.trained)))
        return
    if not (DATA / "t10k-images-idx3-ubyte.gz").is_file():
        sys.exit(f"The MNIST t10k files are missing from {DATA}.")
    with tempfile.TemporaryDirectory(prefix="oneiros-predict-") as folder:
        for model in args.models.split(","):
            if model == "convnet" and importlib.util.find_spec("oneiros_vision") is None:
                print("convnet skipped: oneiros-vision is not installed")
                continue
            subprocess.run([sys.executable, __file__, "--prepare", "--model", model, "--trained", folder], check=True)
            results = run_contenders(__file__, CONTENDERS, ["--model", model, "--samples", str(args.samples),
                                                            "--repeats", str(args.repeats), "--trained", folder],
                                     rounds=args.rounds)
            print_table(f"{model} predict, batch {BATCH}, {args.samples} samples", results, "keras",
                        extra={"accuracy": "MNIST accuracy (2,000 held out)"})


if __name__ == "__main__":
    main()
