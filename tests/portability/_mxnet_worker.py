"""The MXNet side of the portability tests, run with .venv-mxnet/bin/python (numpy < 1.24, MXNet).

``python _mxnet_worker.py predict MODEL INPUTS OUTPUT``: loads MODEL on mxnet, saves its
predictions for INPUTS (a .npy file) to OUTPUT. ``python _mxnet_worker.py train DIRECTORY``:
builds and trains a model on mxnet from DIRECTORY/x.npy and y.npy, saves it as
DIRECTORY/model.oneiros and its predictions for x as DIRECTORY/predictions.npy.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import oneiros as oi

sys.path.insert(0, str(Path(__file__).parent))
from _models import build_model  # noqa: E402


def predict(model_path: str, inputs: str, output: str) -> None:
    model = oi.load_model(model_path, backend="mxnet")
    np.save(output, model.predict(np.load(inputs), verbose=0))


def train(directory: Path) -> None:
    oi.set_backend("mxnet")
    oi.set_random_seed(1)
    x, y = np.load(directory / "x.npy"), np.load(directory / "y.npy")
    model = build_model()
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    model.save(directory / "model.oneiros")
    np.save(directory / "predictions.npy", model.predict(x, verbose=0))


if __name__ == "__main__":
    if sys.argv[1] == "predict":
        predict(*sys.argv[2:5])
    else:
        train(Path(sys.argv[2]))
