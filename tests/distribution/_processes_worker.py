"""Run as a script, once per process, with ONEIROS_COORDINATOR_ADDRESS / ONEIROS_NUM_PROCESSES /
ONEIROS_PROCESS_ID set and XLA_FLAGS=--xla_force_host_platform_device_count=2: two processes of two
CPU devices each, joined by jax.distributed (gloo collectives). Writes results_<process>.json and
arrays_<process>.npz into the folder given as argv[1]."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jax
import numpy as np
from jax.experimental import multihost_utils

import oneiros as oi
from _distribution_models import (classification_data, classifier, linear_model, max_difference, model_parallel_layout,
                     regression_data, sharding_report)

GLOBAL_BATCH = 16

out = Path(sys.argv[1])
jax.config.update("jax_cpu_collectives_implementation", "gloo")
oi.set_backend("jax")
oi.distribution.initialize()  # from the ONEIROS_* environment variables
process = oi.distribution.process_index()
processes = oi.distribution.process_count()
results: dict = {"process": process, "processes": processes, "devices": len(oi.distribution.list_devices()),
                 "is_chief": oi.distribution.is_chief()}
arrays: dict[str, np.ndarray] = {}


def rows_of_this_process(array: np.ndarray) -> np.ndarray:
    """This process's part of every global batch: rows [p * 8, (p + 1) * 8) of each 16."""
    per_process = GLOBAL_BATCH // processes
    grouped = array.reshape(-1, processes, per_process, *array.shape[1:])
    return grouped[:, process].reshape(-1, *array.shape[1:])


# Each process feeds its own rows (auto_shard_dataset=False): batch_size is per process.
x, y = regression_data()
oi.set_random_seed(3)
linear = linear_model()
arrays.update(linear_initial_kernel=linear.get_weights()[0], linear_initial_bias=linear.get_weights()[1])
with oi.distribution.DataParallel(auto_shard_dataset=False).scope():
    linear.fit(rows_of_this_process(x), rows_of_this_process(y), batch_size=GLOBAL_BATCH // processes, epochs=3,
               shuffle=False, verbose=0)
arrays.update(linear_kernel=linear.get_weights()[0], linear_bias=linear.get_weights()[1])

# The reference: this process alone on one device, from seeded initial weights.
x, y = classification_data()
oi.set_random_seed(4)
single = classifier()
initial = single.get_weights()
single.fit(x, y, batch_size=GLOBAL_BATCH, epochs=2, shuffle=True, verbose=0)
single_evaluation = single.evaluate(x, y, batch_size=GLOBAL_BATCH, verbose=0)
single_predictions = single.predict(x[:30], batch_size=8, verbose=0)

# Every process passes the whole data (auto_shard_dataset=True). Only process 0 starts from the
# reference's initial weights: the others' own random initialisation must be overridden.
data_parallel = classifier(initial if process == 0 else None)
with oi.distribution.DataParallel().scope():
    data_parallel.fit(x, y, batch_size=GLOBAL_BATCH, epochs=2, shuffle=True, verbose=0)
    evaluation = data_parallel.evaluate(x, y, batch_size=GLOBAL_BATCH, verbose=0)
    predictions = data_parallel.predict(x[:30], batch_size=8, verbose=0)
with oi.distribution.DataParallel(auto_shard_dataset=False).scope():
    local_predictions = data_parallel.predict(rows_of_this_process(x[:32]), batch_size=8, verbose=0)
results["data_parallel"] = {
    "weights": max_difference(single.get_weights(), data_parallel.get_weights()),
    "evaluation": max_difference([single_evaluation], [evaluation]),
    "predictions": max_difference([single_predictions], [predictions]),
    "prediction_shape": list(predictions.shape),
    "local_predictions": max_difference([single.predict(rows_of_this_process(x[:32]), verbose=0)],
                                        [local_predictions]),
}
arrays.update({f"classifier_{index}": value for index, value in enumerate(data_parallel.get_weights())})
# Every process asks to save; only the chief (process 0) may write.
data_parallel.save_weights(out / f"checkpoint_{process}.safetensors")

# ModelParallel: batch axis across the processes, model axis across each process's two devices.
unsharded_predictions = classifier(initial).predict(x, batch_size=GLOBAL_BATCH, verbose=0)
with model_parallel_layout().scope():
    sharded = classifier(initial)
    sharded_predictions = sharded.predict(x, batch_size=GLOBAL_BATCH, verbose=0)
    sharded.fit(x, y, batch_size=GLOBAL_BATCH, epochs=2, shuffle=True, verbose=0)
    results["model_parallel"] = {
        "predictions": max_difference([unsharded_predictions], [sharded_predictions]),
        "hidden_kernel": sharding_report(sharded.get_layer("hidden").weights[0]),
        "weights": max_difference(single.get_weights(), [multihost_utils.process_allgather(v.value, tiled=True)
                                                         for v in sharded.weights]),
    }

(out / f"results_{process}.json").write_text(json.dumps(results))
np.savez(out / f"arrays_{process}.npz", **arrays)
