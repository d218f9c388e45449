"""Training speed on PlaidML 0.7.0's LLVM CPU device: oneiros's plaidml backend vs the original
plaidml-keras 0.7.0 on Keras 2.2.4 (batch 128, Adam, float32, random data).

Workloads: the MNIST convnet (Conv2D(32, 3) -> MaxPooling2D(2) -> Conv2D(64, 3) -> MaxPooling2D(2)
-> Flatten -> Dropout(0.5) -> Dense(10, softmax)) and the MLP 784-512-512-10.

Contenders, each in a fresh process: ``oneiros`` (``fit`` on the plaidml backend) and ``keras2``
(Keras 2.2.4 with ``KERAS_BACKEND=plaidml.keras.backend``). Keras 2.2.4 needs numpy < 1.24 and
scipy < 1.11, so it runs in its own venv, created on first use under
``$ONEIROS_BENCH_CACHE`` (default ``~/.cache/oneiros-bench``) and reused afterwards; a
``sitecustomize.py`` there puts ``Iterable``, ``Mapping``... back on ``collections`` (Keras 2.2.4
imports them from there; Python 3.10 removed them). Prints samples/second (median of the timed
epochs), the first epoch's time (PlaidML compiles then) and ratios to Keras 2.

Run: .venv/bin/python benchmarks/train_plaidml.py [--samples 1024] [--repeats 2] [--rounds 1] [--workload convnet]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _harness import print_table, timed_epochs  # noqa: E402

BATCH = 128
DROPOUT = 0.5
WORKLOADS = ("convnet", "mlp")
CONTENDERS = ("oneiros", "keras2")
LEGACY_PACKAGES = ["numpy<1.24", "scipy<1.11", "h5py<3.12", "pyyaml", "six", "keras_applications==1.0.8",
                   "keras_preprocessing==1.1.2", "rich"]
LEGACY_NO_DEPS = ["keras==2.2.4", "plaidml==0.7.0", "plaidml-keras==0.7.0", "cffi", "pycparser"]
COLLECTIONS_SHIM = ("import collections, collections.abc\n"
                    "for _name in ('Iterable', 'Mapping', 'MutableMapping', 'Sequence', 'Callable'):\n"
                    "    setattr(collections, _name, getattr(collections.abc, _name))\n")
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


def legacy_python() -> Path:
    """The Keras 2.2.4 + plaidml-keras venv's interpreter, creating the venv on first use."""
    root = Path(os.environ.get("ONEIROS_BENCH_CACHE", Path.home() / ".cache" / "oneiros-bench")) / "keras2-plaidml"
    python = root / "bin" / "python"
    marker = root / "ready"
    if marker.exists():
        return python
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(root)], check=True)
    pip = [str(python), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, *LEGACY_PACKAGES], check=True)
    # plaidml declares enum34, which would shadow the standard library's enum: no dependencies.
    subprocess.run([*pip, "--no-deps", *LEGACY_NO_DEPS], check=True)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "sitecustomize.py").write_text(COLLECTIONS_SHIM)
    marker.write_text("ok\n")
    return python


def run_worker(python: str, contender: str, workload: str, samples: int, repeats: int) -> dict:
    env = {**os.environ, **PLAIDML_ENVIRONMENT}
    if contender == "keras2":
        env["KERAS_BACKEND"] = "plaidml.keras.backend"
    completed = subprocess.run([python, __file__, "--worker", contender, "--workload", workload,
                                "--samples", str(samples), "--repeats", str(repeats)],
                               capture_output=True, text=True, env=env)
    if completed.returncode != 0:
        lines = completed.stderr.strip().splitlines()
        return {"error": lines[-1] if lines else f"exit status {completed.returncode}"}
    return json.loads(completed.stdout.strip().splitlines()[-1])


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
    pythons = {"oneiros": sys.executable, "keras2": str(legacy_python())}
    for workload in [args.workload] if args.workload else WORKLOADS:
        results: dict[str, dict] = {}
        for _ in range(args.rounds):
            for contender in CONTENDERS:
                result = run_worker(pythons[contender], contender, workload, args.samples, args.repeats)
                if result.get("samples_per_second", 0) >= results.get(contender, {}).get("samples_per_second", 0):
                    results[contender] = result
        print_table(f"{workload} training on PlaidML 0.7.0 (llvm_cpu.0), batch {BATCH}, {args.samples} samples/epoch",
                    results, "keras2")


if __name__ == "__main__":
    main()
