"""The training scenario every backend's distribution worker runs on four devices: one device,
DataParallel and ModelParallel from the same initial weights. The worker says how to read the
layout of an array on its backend; the tests compare the results with their oracles."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import oneiros as oi
from _distribution_models import (classification_data, classifier, linear_model, max_difference, model_parallel_layout,
                     regression_data)

Describe = Callable[[Any], dict]


def run(out: Path, describe: Describe, describe_batch: Callable[[Any, Any], dict],
        results: dict, arrays: dict[str, np.ndarray]) -> None:
    """Fills ``results`` and ``arrays``; ``describe(variable)`` gives its value's spec, shard shapes, device
    count and global shape, ``describe_batch(x, y)`` the shard shapes of x and the devices of y."""
    # Linear model + SGD under DataParallel: the numpy oracle in the test replays these steps.
    x, y = regression_data()
    linear = linear_model()
    arrays.update(linear_x=x, linear_y=y, linear_initial_kernel=linear.get_weights()[0],
                  linear_initial_bias=linear.get_weights()[1])
    with oi.distribution.DataParallel().scope():
        linear.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
    arrays.update(linear_kernel=linear.get_weights()[0], linear_bias=linear.get_weights()[1])

    # The MLP on one device, then under DataParallel from the same initial weights.
    x, y = classification_data()
    single = classifier()
    initial = single.get_weights()
    single_history = single.fit(x, y, batch_size=16, epochs=2, shuffle=True, verbose=0).history
    single_evaluation = single.evaluate(x, y, batch_size=16, verbose=0)
    single_predictions = single.predict(x[:30], batch_size=8, verbose=0)

    data_parallel = classifier(initial)
    with oi.distribution.DataParallel().scope():
        history = data_parallel.fit(x, y, batch_size=16, epochs=2, shuffle=True, verbose=0).history
        evaluation = data_parallel.evaluate(x, y, batch_size=16, verbose=0)
        predictions = data_parallel.predict(x[:30], batch_size=8, verbose=0)  # last batch of 6: not divisible by 4
        placed_x, placed_y, _ = oi.distribution.current().distribute_batch((x[:16], y[:16], None))
    results["data_parallel"] = {
        "weights": max_difference(single.get_weights(), data_parallel.get_weights()),
        "loss_history": max_difference([single_history["loss"]], [history["loss"]]),
        "evaluation": max_difference([single_evaluation], [evaluation]),
        "predictions": max_difference([single_predictions], [predictions]),
        "prediction_shape": list(predictions.shape),
        "kernel": describe(data_parallel.get_layer("hidden").weights[0]),
        **describe_batch(placed_x, placed_y),
    }
    results["after_scope_predictions"] = max_difference([single_predictions],
                                                       [data_parallel.predict(x[:30], batch_size=8, verbose=0)])

    fused = classifier(initial)
    fused.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=2)
    with oi.distribution.DataParallel().scope():
        fused.fit(x, y, batch_size=16, epochs=2, shuffle=True, verbose=0)
    results["fused_steps_weights"] = max_difference(single.get_weights(), fused.get_weights())

    weights_file = out / "data_parallel.safetensors"
    data_parallel.save_weights(weights_file)
    reloaded = classifier()
    reloaded.load_weights(weights_file)
    results["reloaded_on_one_device"] = max_difference(data_parallel.get_weights(), reloaded.get_weights())

    # ModelParallel: the same model, kernels split over the "model" axis of a (2, 2) mesh.
    unsharded_predictions = classifier(initial).predict(x, batch_size=16, verbose=0)
    with model_parallel_layout().scope():
        sharded = classifier(initial)
        sharded_predictions = sharded.predict(x, batch_size=16, verbose=0)
        results["model_parallel"] = {
            "predictions": max_difference([unsharded_predictions], [sharded_predictions]),
            "hidden_kernel": describe(sharded.get_layer("hidden").weights[0]),
            "head_kernel": describe(sharded.get_layer("head").weights[0]),
            "hidden_bias": describe(sharded.get_layer("hidden").weights[1]),
        }
        sharded.fit(x, y, batch_size=16, epochs=2, shuffle=True, verbose=0)
        results["model_parallel"]["trained_kernel"] = describe(sharded.get_layer("hidden").weights[0])
    results["model_parallel"]["weights"] = max_difference(single.get_weights(), sharded.get_weights())
