"""Run by test_sgd_matches_jax in one environment: ``python _sgd_worker.py init|train BACKEND DIR``.

``init`` writes the data and the initial weights of the model to DIR; ``train`` loads them on
BACKEND, runs a few SGD steps with ``fit`` and writes the resulting weights to DIR/BACKEND.npz.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import oneiros as oi
from oneiros import layers

STEPS = 4
BATCH = 16


def build_model():
    return oi.Sequential([
        layers.Input((8, 8, 2)),
        layers.get("Conv2D")(4, 3, activation="tanh"),
        layers.get("MaxPooling2D")(2),
        layers.get("Conv2D")(3, 2, padding="same"),
        layers.Flatten(),
        layers.Dense(8, activation="tanh"),
        layers.BatchNormalization(),
        layers.LayerNormalization(),
        layers.Dense(3, activation="softmax"),
    ])


def init(directory: Path) -> None:
    rng = np.random.default_rng(7)
    np.save(directory / "x.npy", rng.normal(size=(STEPS * BATCH, 8, 8, 2)).astype(np.float32))
    np.save(directory / "y.npy", rng.integers(0, 3, STEPS * BATCH).astype(np.int32))
    model = build_model()
    model.save_weights(directory / "initial.safetensors")
    np.savez(directory / "initial.npz", *model.get_weights())


def train(directory: Path, backend: str) -> None:
    oi.set_backend(backend)
    model = build_model()
    model.load_weights(directory / "initial.safetensors")
    model.compile(optimizer=oi.optimizers.get("sgd")(learning_rate=0.1), loss="sparse_categorical_crossentropy")
    model.fit(np.load(directory / "x.npy"), np.load(directory / "y.npy"), batch_size=BATCH, epochs=1,
              shuffle=False, verbose=0)
    np.savez(directory / f"{backend}.npz", *model.get_weights())


if __name__ == "__main__":
    command, backend, directory = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    if command == "init":
        oi.set_backend(backend)
        init(directory)
    else:
        train(directory, backend)
