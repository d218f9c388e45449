"""The main job: list the plugins, train a small MNIST classifier with a progress bar, report.

Reads the MNIST test set from ../shared/data (or --data DIR): the first 8,000 images train,
the last 2,000 test.
"""

from __future__ import annotations

import argparse
import gzip
import time
from pathlib import Path

import numpy as np

import oneiros as oi
from oneiros import layers
from oneiros.cli import main as cli

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def read_idx(path: Path) -> np.ndarray:
    with gzip.open(path, "rb") as stream:
        data = stream.read()
    magic = int.from_bytes(data[:4], "big")
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(magic & 0xFF)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * len(dims)).reshape(dims)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()

    try:
        cli(["plugins"], standalone_mode=False)
    except SystemExit:
        pass
    images = read_idx(args.data / "t10k-images-idx3-ubyte.gz").reshape(-1, 784).astype("float32") / 255
    labels = read_idx(args.data / "t10k-labels-idx1-ubyte.gz").astype("int32")
    x_train, y_train, x_test, y_test = images[:8000], labels[:8000], images[8000:], labels[8000:]

    oi.set_random_seed(0)
    model = oi.Sequential([
        layers.Input((784,)),
        layers.Dense(256, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])
    model.summary()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    started = time.perf_counter()
    model.fit(x_train, y_train, epochs=args.epochs, batch_size=128, validation_split=0.1)
    seconds = time.perf_counter() - started
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"\nbackend {oi.get_backend().name}: trained {args.epochs} epochs in {seconds:.1f}s; "
          f"test loss {loss:.4f}, test accuracy {accuracy:.2%} on {len(x_test)} held-out digits")


if __name__ == "__main__":
    main()
