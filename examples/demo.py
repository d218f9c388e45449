"""The main job: list the plugins, train the classic Keras convnet on real handwritten digits with a
progress bar, and report its accuracy on held-out images.

Data, by default: the 1,797 8x8 digits that ship inside scikit-learn (no download), 80% train and
20% test with a fixed seed; the model scales and resizes them to 28x28 itself. With
``--data PATH``: MNIST IDX files in PATH (gzip or plain). With the train and t10k files it uses
both; with only the t10k files (as in ../shared/data) the first 8,000 images train and the last
2,000 test.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

import oneiros as oi
from oneiros import layers
from oneiros.cli import main as cli

SEED = 0
Split = tuple[np.ndarray, np.ndarray]
"""(images (n, height, width, 1) float32, labels (n,) int32)."""


def sklearn_digits() -> tuple[Split, Split, list]:
    """8x8 digits with pixel values 0-16, shuffled with a fixed seed and split 80 / 20, and the
    layers that scale them to [0, 1] and resize them to 28x28."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images, labels = digits.images.astype("float32")[..., np.newaxis], digits.target.astype("int32")
    order = np.random.default_rng(SEED).permutation(len(images))
    cut = int(0.8 * len(images))
    train, test = order[:cut], order[cut:]
    preprocessing = [layers.Rescaling(1 / 16), layers.Resizing(28, 28)]
    return (images[train], labels[train]), (images[test], labels[test]), preprocessing


def mnist_idx(path: Path) -> tuple[Split, Split, list]:
    """MNIST from IDX files: the train / t10k pairs, or the t10k pair split 8,000 / 2,000, and the
    layer that scales pixels to [0, 1]."""
    from oneiros_vision.datasets.mnist import load_split

    x_test, y_test = load_split(path, "test")
    try:
        x_train, y_train = load_split(path, "train")
    except FileNotFoundError:
        x_train, y_train, x_test, y_test = x_test[:8000], y_test[:8000], x_test[8000:], y_test[8000:]
    train = (x_train[..., np.newaxis].astype("float32"), y_train.astype("int32"))
    test = (x_test[..., np.newaxis].astype("float32"), y_test.astype("int32"))
    return train, test, [layers.Rescaling(1 / 255)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, help="a folder of MNIST IDX files (default: scikit-learn's digits)")
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--batch-size", type=int, default=128)
    args = parser.parse_args()

    try:
        cli(["plugins"], standalone_mode=False)
    except SystemExit:
        pass
    from oneiros_vision.models import mnist_convnet

    (x_train, y_train), (x_test, y_test), preprocessing = (
        sklearn_digits() if args.data is None else mnist_idx(args.data))
    source = "scikit-learn's 8x8 digits" if args.data is None else f"MNIST IDX files in {args.data}"
    print(f"\n{source}: {len(x_train)} training and {len(x_test)} test images of {x_train.shape[1:3]} pixels\n")

    oi.set_random_seed(SEED)
    model = mnist_convnet(input_shape=x_train.shape[1:], preprocessing=preprocessing)
    model.summary()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    started = time.perf_counter()
    model.fit(x_train, y_train, epochs=args.epochs, batch_size=args.batch_size, validation_split=0.1, verbose=1)
    seconds = time.perf_counter() - started
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"\nbackend {oi.get_backend().name}: trained {args.epochs} epochs in {seconds:.1f}s; "
          f"test loss {loss:.4f}, test accuracy {accuracy:.2%} on {len(x_test)} held-out images")
    check_onnx_export(model, x_test)


def check_onnx_export(model: oi.Model, images: np.ndarray) -> None:
    """Exports the trained model to ONNX and checks that ONNX Runtime reproduces its predictions."""
    import onnxruntime

    with tempfile.TemporaryDirectory() as folder:
        path = model.export(Path(folder) / "digits.onnx")
        session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        (served,) = session.run(None, {session.get_inputs()[0].name: images})
    trained = model.predict(images, verbose=0)
    difference = float(np.max(np.abs(served - trained)))
    agreement = float(np.mean(served.argmax(-1) == trained.argmax(-1)))
    if difference > 1e-4:
        raise SystemExit(f"ONNX Runtime differs from the trained model by {difference:.2e} (expected <= 1e-4).")
    print(f"exported to ONNX: ONNX Runtime reproduces the predictions (max difference {difference:.1e}, "
          f"same class for {agreement:.0%} of {len(images)} images)")


if __name__ == "__main__":
    main()
