"""Run as a script with ONEIROS_TF_CPU_DEVICES=4 (the CPU split into four logical devices, which
TensorFlow allows only before it starts). Runs the jax backend's scenario (tests/distribution/
_scenario.py: one device, DataParallel, ModelParallel) and one recurrent model, writes
results.json and arrays.npz into the folder given as argv[1]."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tests" / "distribution"))

import oneiros as oi  # noqa: E402
from _scenario import run  # noqa: E402
from tensorflow.experimental import dtensor  # noqa: E402


def layout_report(variable: oi.Variable) -> dict:
    """What the tensor behind ``variable`` really is: its layout and the shapes of its components."""
    value = variable.value
    components = dtensor.unpack(value)
    return {"spec": list(dtensor.fetch_layout(value).sharding_specs),
            "shard_shapes": sorted({tuple(component.shape) for component in components}),
            "devices": len({component.device for component in components}),
            "global_shape": list(value.shape)}


out = Path(sys.argv[1])
oi.set_backend("tensorflow")
results: dict = {"devices": oi.distribution.list_devices()}
arrays: dict[str, np.ndarray] = {}
run(out, layout_report,
    lambda x, y: {"batch_shard_shapes": sorted({tuple(component.shape) for component in dtensor.unpack(x)}),
                  "batch_devices": len({component.device for component in dtensor.unpack(y)})},
    results, arrays)

# Recurrent layers loop with ops.scan (TensorList ops), which DTensor cannot lay out: not mapped.
recurrent = oi.Sequential([oi.layers.Input((5, 3)), oi.layers.LSTM(4), oi.layers.Dense(1)])
recurrent.compile(optimizer="sgd", loss="mse")
with oi.distribution.DataParallel().scope():
    try:
        recurrent.fit(np.ones((8, 5, 3), np.float32), np.ones((8, 1), np.float32), batch_size=8, verbose=0)
    except Exception as exc:  # noqa: BLE001 - the test reads what DTensor says
        results["recurrent_error"] = f"{type(exc).__name__}: {exc}"

(out / "results.json").write_text(json.dumps(results))
np.savez(out / "arrays.npz", **arrays)
