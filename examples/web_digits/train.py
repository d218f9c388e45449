"""Trains the digit model the page serves and saves it as digits.oneiros beside this file.

Data: MNIST IDX files in ``--data`` (default ``../shared/data`` from the project's root). With
only the t10k files there, the first 8,000 images train and the last 2,000 test. Pixels are
divided by 255 before the model sees them (``SCALE``); the web export records that, so the
page does the same to what you draw::

    python examples/web_digits/train.py
    python -m oneiros_onnx.web examples/web_digits/digits.oneiros examples/web_digits/model --scale 1/255
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import oneiros as oi
from oneiros import layers

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parents[2] / "shared" / "data"
SCALE = 1 / 255
TRAIN_IMAGES = 8000
SEED = 0


def load_digits(data: Path) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """((train images, labels), (test images, labels)): uint8 (n, 28, 28) images, int32 labels."""
    from oneiros_vision.datasets.mnist import load_split

    images, labels = load_split(data, "test")
    try:
        train = load_split(data, "train")
    except FileNotFoundError:
        train, test = (images[:TRAIN_IMAGES], labels[:TRAIN_IMAGES]), (images[TRAIN_IMAGES:], labels[TRAIN_IMAGES:])
    else:
        test = (images, labels)
    return (train[0], train[1].astype("int32")), (test[0], test[1].astype("int32"))


def model_input(images: np.ndarray) -> np.ndarray:
    """uint8 (n, 28, 28) images as the model's (n, 28, 28, 1) float32 input: pixels times SCALE."""
    return (images.astype(np.float64) * SCALE).astype(np.float32)[..., np.newaxis]


def build_model(small: bool = False) -> oi.Model:
    """A small convnet (about 99% on MNIST with the full training set), or with ``small`` a
    one-hidden-layer perceptron that trains in seconds."""
    if small:
        body = [layers.Flatten(), layers.Dense(64, activation="relu")]
    else:
        body = [layers.Conv2D(16, 3, activation="relu"), layers.MaxPooling2D(2),
                layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2), layers.Flatten(),
                layers.Dropout(0.3)]
    return oi.Sequential([layers.Input((28, 28, 1), name="pixels"), *body, layers.Dense(10, activation="softmax")],
                         name="digits")


def train(data: Path, *, small: bool = False, images: int | None = None, epochs: int = 8,
          ) -> tuple[oi.Model, float]:
    """A compiled, trained model on the first ``images`` training images, and its test accuracy."""
    (x_train, y_train), (x_test, y_test) = load_digits(data)
    oi.set_random_seed(SEED)
    model = build_model(small)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(model_input(x_train[:images]), y_train[:images], epochs=epochs, batch_size=64, verbose=0)
    _, accuracy = model.evaluate(model_input(x_test), y_test, verbose=0)
    return model, float(accuracy)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="a folder of MNIST IDX files")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--small", action="store_true", help="a perceptron instead of the convnet (faster)")
    parser.add_argument("--save", type=Path, default=HERE / "digits.oneiros", help="where to save the model")
    args = parser.parse_args()
    model, accuracy = train(args.data, small=args.small, epochs=args.epochs)
    print(f"test accuracy {accuracy:.2%}; saved {model.save(args.save)}")


if __name__ == "__main__":
    main()
