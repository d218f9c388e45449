"""oneiros on tensorflow: one device vs DataParallel over N logical CPU devices (DTensor), the
MLP of tests/distribution widened, fresh process each; prints samples/s and the ratio.

    .venv/bin/python benchmarks/distribution_tensorflow.py [--devices 2] [--samples 8192]

On a CPU the logical devices share the same cores: the ratio is DTensor's cost (layouts,
all-reduces) against the shards running side by side, not a multi-device speed-up."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

WORKER = r"""
import json, sys, time
import numpy as np
import oneiros as oi
from oneiros import layers
oi.set_backend("tensorflow")
mode, samples = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(0)
x = rng.normal(size=(samples, 64)).astype(np.float32)
y = rng.integers(0, 10, samples).astype(np.int32)
model = oi.Sequential([layers.Input((64,)), layers.Dense(256, activation="relu"), layers.Dense(256, activation="relu"),
                       layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", steps_per_execution=1)
scope = oi.distribution.DataParallel().scope() if mode == "data_parallel" else oi.distribution.distribution_scope(None)
with scope:
    model.fit(x, y, batch_size=256, epochs=1, verbose=0)
    start = time.perf_counter()
    model.fit(x, y, batch_size=256, epochs=3, verbose=0)
    elapsed = time.perf_counter() - start
print(json.dumps({"samples_per_second": 3 * samples / elapsed}))
"""


def _run(mode: str, devices: int, samples: int) -> float:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("ONEIROS_")}
    environment["ONEIROS_TF_CPU_DEVICES"] = str(devices)
    finished = subprocess.run([sys.executable, "-c", WORKER, mode, str(samples)], env=environment,
                              capture_output=True, text=True, check=True)
    return json.loads(finished.stdout.strip().splitlines()[-1])["samples_per_second"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--devices", type=int, default=2)
    parser.add_argument("--samples", type=int, default=8192)
    arguments = parser.parse_args()
    one = _run("one_device", arguments.devices, arguments.samples)
    parallel = _run("data_parallel", arguments.devices, arguments.samples)
    print(f"| run | samples/s | ratio |\n|---|---|---|\n| one device | {one:,.0f} | 1.00 |\n"
          f"| DataParallel over {arguments.devices} logical CPUs | {parallel:,.0f} | {parallel / one:.2f} |")


if __name__ == "__main__":
    main()
