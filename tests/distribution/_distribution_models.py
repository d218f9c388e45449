"""Data and models the distribution workers train; imported by the worker scripts (run as files)."""

from __future__ import annotations

import numpy as np

import oneiros as oi
from oneiros import layers

SAMPLES = 64
FEATURES = 8
CLASSES = 4


def regression_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(SAMPLES, FEATURES)).astype(np.float32)
    y = (x @ rng.normal(size=(FEATURES, 1)) + 0.5).astype(np.float32)
    return x, y


def classification_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(2)
    x = rng.normal(size=(SAMPLES, FEATURES)).astype(np.float32)
    return x, rng.integers(0, CLASSES, SAMPLES).astype(np.int32)


def linear_model(weights: list[np.ndarray] | None = None) -> oi.Model:
    """Dense(1), MSE, plain SGD: the model the hand-written numpy oracle trains."""
    model = oi.Sequential([layers.Input((FEATURES,)), layers.Dense(1)])
    model.compile(optimizer=oi.optimizers.SGD(learning_rate=0.05), loss="mse")
    if weights is not None:
        model.set_weights(weights)
    return model


def classifier(weights: list[np.ndarray] | None = None) -> oi.Model:
    """An MLP with batch normalisation (non-trainable state), Adam and a metric."""
    model = oi.Sequential([
        layers.Input((FEATURES,)),
        layers.Dense(16, activation="relu", name="hidden"),
        layers.BatchNormalization(name="norm"),
        layers.Dense(CLASSES, activation="softmax", name="head"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    if weights is not None:
        model.set_weights(weights)
    return model


def max_difference(first: list[np.ndarray], second: list[np.ndarray]) -> float:
    return max(float(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64)).max())
               for a, b in zip(first, second, strict=True))


def model_parallel_layout() -> oi.distribution.ModelParallel:
    """Mesh (2, 2) ("batch", "model"): both Dense kernels split by output columns."""
    mesh = oi.distribution.DeviceMesh((2, 2), ("batch", "model"))
    layout_map = oi.distribution.LayoutMap(mesh)
    layout_map["hidden/kernel"] = (None, "model")
    layout_map["head/kernel"] = (None, "model")
    return oi.distribution.ModelParallel(layout_map=layout_map, batch_dim_name="batch")


def sharding_report(variable: oi.Variable) -> dict:
    """What the array behind ``variable`` really is: its spec and the shapes of its shards."""
    value = variable.value
    shards = value.addressable_shards
    return {"spec": [axis for axis in value.sharding.spec],
            "shard_shapes": sorted({tuple(shard.data.shape) for shard in shards}),
            "devices": len({shard.device for shard in shards}),
            "global_shape": list(value.shape)}


def replay_sgd(x, y, kernel, bias, batch_size: int, epochs: int, learning_rate: float):
    """Hand-written minibatch SGD on the mean squared error of ``x @ kernel + bias`` (float64)."""
    kernel, bias = kernel.astype(np.float64), bias.astype(np.float64)
    for _ in range(epochs):
        for start in range(0, len(x), batch_size):
            xb, yb = x[start:start + batch_size].astype(np.float64), y[start:start + batch_size]
            error = xb @ kernel + bias - yb
            kernel = kernel - learning_rate * 2 * xb.T @ error / len(xb)
            bias = bias - learning_rate * 2 * error.mean(axis=0)
    return kernel, bias
