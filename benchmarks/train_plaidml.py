"""Training speed on PlaidML 0.7.0's LLVM CPU device: oneiros's plaidml backend vs the original
plaidml-keras 0.7.0 on Keras 2.2.4 (batch 128, Adam, float32, random data).

Workloads: the MNIST convnet (Conv2D(32, 3) -> MaxPooling2D(2) -> Conv2D(64, 3) -> MaxPooling2D(2)
-> Flatten -> Dropout(0.5) -> Dense(10, softmax)) and the MLP 784-512-512-10.

Contenders, each in a fresh process: ``oneiros`` (``fit`` on the plaidml backend) and ``keras2``
(Keras 2.2.4 with ``KERAS_BACKEND=plaidml.keras.backend``), which needs numpy < 1.24 and runs in
its own cached venv (see ``_legacy_venv.py``; created on first use, reused afterwards). Prints
samples/second (median of the timed epochs), the first epoch's time (PlaidML compiles then) and
ratios to Keras 2.

Run: .venv/bin/python benchmarks/train_plaidml.py [--samples 1024] [--repeats 2] [--rounds 1] [--workload convnet]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _harness import print_table, timed_epochs  # noqa: E402
from _legacy_venv import KERAS2_PACKAGES, best_of_rounds, legacy_python, run_worker_in  # noqa: E402

BATCH = 128
DROPOUT = 0.5
WORKLOADS = ("convnet", "mlp")
CONTENDERS = ("oneiros", "keras2")
LEGACY_NO_DEPS = ["keras==2.2.4", "plaidml==0.7.0", "plaidml-keras==0.7.0", "cffi", "pycparser"]
"""Without dependencies: plaidml declares enum34, which would shadow the standard library's enum."""
PLAIDML_ENVIRONMENT = {"PLAIDML_EXPERIMENTAL": "1", "PLAIDML_DEVICE_IDS": "llvm_cpu.0"}


def data(workload: str, samples: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    shape = (samples, 28, 28, 1) if workload == "convnet" else (samples, 784)
    return rng.random(shape, dtype=np.float32), rng.integers(0, 10, samples).astype(np.int32)


def oneiros_worker(workload: str, x: np.ndarray, y: np.ndarray, repeats: int) -> dict:
    import oneiros as oi
    from oneiros import layers

    oi.set_backend("plaidml")
    if workload == "convnet":
        from oneiros_vision.models import mnist_convnet

        model = mnist_convnet(dropout=DROPOUT)
    else:
        model = oi.Sequential([layers.Input((784,)), layers.Dense(512, activation="relu"),
                               layers.Dense(512, activation="relu"), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return timed_epochs(lambda: model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False),
                        len(x), repeats)


def keras2_worker(workload: str, x: np.ndarray, y: np.ndarray, repeats: int) -> dict:
    import keras
    from keras import layers

    if workload == "convnet":
        model = keras.models.Sequential([
            layers.Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)), layers.MaxPooling2D(2),
            layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2), layers.Flatten(),
            layers.Dropout(DROPOUT), layers.Dense(10, activation="softmax")])
    else:
        model = keras.models.Sequential([layers.Dense(512, activation="relu", input_shape=(784,)),
                                         layers.Dense(512, activation="relu"), layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(), loss="sparse_categorical_crossentropy")
    return timed_epochs(lambda: model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False),
                        len(x), repeats)


WORKERS = {"oneiros": oneiros_worker, "keras2": keras2_worker}


def run_worker(python: str, contender: str, workload: str, samples: int, repeats: int) -> dict:
    env = {**os.environ, **PLAIDML_ENVIRONMENT}
    if contender == "keras2":
        env["KERAS_BACKEND"] = "plaidml.keras.backend"
    return run_worker_in(python, __file__, ["--worker", contender, "--workload", workload, "--samples", str(samples),
                                            "--repeats", str(repeats)], env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=1024)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--workload", choices=WORKLOADS)
    parser.add_argument("--worker", choices=sorted(WORKERS))
    args = parser.parse_args()
    if args.worker:
        x, y = data(args.workload, args.samples)
        print(json.dumps(WORKERS[args.worker](args.workload, x, y, args.repeats)))
        return
    pythons = {"oneiros": sys.executable,
               "keras2": str(legacy_python("keras2-plaidml", KERAS2_PACKAGES, LEGACY_NO_DEPS))}
    for workload in [args.workload] if args.workload else WORKLOADS:
        results = best_of_rounds(
            lambda contender: run_worker(pythons[contender], contender, workload, args.samples, args.repeats),
            CONTENDERS, args.rounds)
        print_table(f"{workload} training on PlaidML 0.7.0 (llvm_cpu.0), batch {BATCH}, {args.samples} samples/epoch",
                    results, "keras2")


if __name__ == "__main__":
    main()
