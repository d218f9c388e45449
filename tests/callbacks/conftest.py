"""A stand-in for a model, enough for callbacks: ``stop_training``, an optimizer whose
``learning_rate`` is a float property, and numpy weights through get_weights / set_weights."""

from __future__ import annotations

import numpy as np
import pytest


class FakeOptimizer:
    def __init__(self, learning_rate):
        self._learning_rate = learning_rate
        self.assigned: list = []

    @property
    def learning_rate(self):
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self.assigned.append(value)
        self._learning_rate = value


class FakeModel:
    """Its weights are ``[full((2,), marker), full((3,), -marker)]``; ``set_marker(epoch)`` stands
    for an epoch of training."""

    def __init__(self, learning_rate=0.1):
        self.stop_training = False
        self.optimizer = FakeOptimizer(learning_rate)
        self.weights = self._weights_for(-1.0)
        self.restored: list = []

    @staticmethod
    def _weights_for(marker):
        return [np.full((2,), marker, np.float32), np.full((3,), -marker, np.float32)]

    def set_marker(self, marker):
        self.weights = self._weights_for(float(marker))

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.restored.append([np.array(w) for w in weights])
        self.weights = [np.array(w) for w in weights]

    def marker(self):
        return float(self.weights[0][0])


def run_epochs(callback, model, epoch_logs):
    """Drives ``callback`` as fit does over a list of epoch logs (``set_marker(epoch)`` before each
    epoch end); returns the epochs that ran (fit stops after the epoch that sets stop_training)."""
    callback.set_model(model)
    callback.on_train_begin(None)
    ran = []
    for epoch, logs in enumerate(epoch_logs):
        callback.on_epoch_begin(epoch, None)
        model.set_marker(epoch)
        callback.on_epoch_end(epoch, dict(logs))
        ran.append(epoch)
        if model.stop_training:
            break
    callback.on_train_end(None)
    return ran


@pytest.fixture
def fake_model():
    return FakeModel


@pytest.fixture
def drive():
    return run_epochs


@pytest.fixture(scope="session")
def keras():
    import os

    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras

    return keras
