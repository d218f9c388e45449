"""Run as a script with XLA_FLAGS=--xla_force_host_platform_device_count=4: four CPU devices in
one process. Trains on one device and under DataParallel / ModelParallel (_scenario.py), writes
results.json and arrays.npz into the folder given as argv[1]."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

import oneiros as oi
from _distribution_models import sharding_report
from _scenario import run

out = Path(sys.argv[1])
oi.set_backend("jax")
results: dict = {"devices": oi.distribution.list_devices()}
arrays: dict[str, np.ndarray] = {}
run(out, sharding_report,
    lambda x, y: {"batch_shard_shapes": sorted({tuple(shard.data.shape) for shard in x.addressable_shards}),
                  "batch_devices": len({shard.device for shard in y.addressable_shards})},
    results, arrays)
(out / "results.json").write_text(json.dumps(results))
np.savez(out / "arrays.npz", **arrays)
