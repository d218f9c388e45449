"""Training speed of oneiros on PyTensor against oneiros on JAX and the original Keras 2.2.4 on
Theano 1.0.5 (batch 128, Adam, float32, random data).

Workloads (those of train_plaidml.py): the MNIST convnet (Conv2D(32, 3) -> MaxPooling2D(2) ->
Conv2D(64, 3) -> MaxPooling2D(2) -> Flatten -> Dropout(0.5) -> Dense(10, softmax)) and the MLP
784-512-512-10.

Contenders, each in a fresh process: ``oneiros-pytensor`` (its default C linker with the system
OpenBLAS; PyTensor's modules are cached in ``$ONEIROS_HOME/cache/pytensor``, so its first epoch
compiles only on a cold cache) and ``oneiros-jax`` (``fit`` on those backends) and ``keras2-theano`` (Keras 2.2.4 with ``KERAS_BACKEND=theano``). Keras 2.2.4 and
Theano 1.0.5 need numpy < 1.24 and scipy < 1.11, so they run in their own venv, created on first
use by ``_legacy_venv`` under ``$ONEIROS_BENCH_CACHE`` (default ``~/.cache/oneiros-bench``), with
``THEANO_FLAGS=blas.ldflags=,cxx=g++,floatX=float32`` (Theano's compiled modules are cached in
its own ``~/.theano`` between runs, like PyTensor's compiledir). Prints samples/second (median of
the timed epochs), the first epoch's time (graph building and compiling happen then) and ratios
to Keras 2 on Theano, by wall-clock time and by process CPU time per sample.

``--steps-per-execution N`` adds, for the MLP, the row ``oneiros-pytensor spe=N``:
``compile(steps_per_execution=N)``, N training steps per call (``"auto"`` is 8 on PyTensor; its
fused steps loop the one compiled step, so any N compiles the same graph).

``--products`` adds, for the MLP, the row ``mlp products only``: the step's eight matrix products
(three forward, three weight gradients, the input gradients of the two upper layers) and nothing
else, OpenBLAS's ``cblas_sgemm`` on preallocated arrays. Its ratio to Keras 2 is the most a
framework on this BLAS could reach with no other cost at all.

Run: .venv/bin/python benchmarks/train_pytensor.py [--samples 1024] [--repeats 4] [--rounds 3] [--workload convnet]
[--steps-per-execution 8] [--products] (OPENBLAS_NUM_THREADS=1 for one BLAS thread everywhere)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _harness import print_table, timed_epochs  # noqa: E402
from _legacy_venv import KERAS2_PACKAGES, best_of_rounds, legacy_python, run_worker_in  # noqa: E402
from train_plaidml import WORKLOADS, data, keras2_worker  # noqa: E402

BATCH = 128
DROPOUT = 0.5
CONTENDERS = ("oneiros-pytensor", "oneiros-jax", "keras2-theano")
LEGACY_NO_DEPS = ["keras==2.2.4", "Theano==1.0.5"]
CPU_PER_SAMPLE = "cpu_us_per_sample"
CPU_RATIO = "cpu_ratio"
THEANO_ENVIRONMENT = {"KERAS_BACKEND": "theano", "THEANO_FLAGS": "blas.ldflags=,cxx=g++,floatX=float32"}


def oneiros_worker(backend: str, workload: str, samples: int, repeats: int,
                   steps_per_execution: int | str = "auto") -> dict:
    import oneiros as oi
    from oneiros import layers

    oi.set_backend(backend)
    if workload == "convnet":
        from oneiros_vision.models import mnist_convnet

        model = mnist_convnet(dropout=DROPOUT)
    else:
        model = oi.Sequential([layers.Input((784,)), layers.Dense(512, activation="relu"),
                               layers.Dense(512, activation="relu"), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", steps_per_execution=steps_per_execution)
    x, y = data(workload, samples)

    def epoch() -> None:
        model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False)

    started = time.perf_counter()
    for _ in range(_fits_before_compiling(backend, samples)):
        epoch()
    warm_up_seconds = time.perf_counter() - started
    result = timed_epochs(epoch, samples, repeats)
    result["first_epoch_seconds"] += warm_up_seconds
    return result


def _fits_before_compiling(backend: str, samples: int) -> int:
    """Fits run before the timed ones besides the first: PyTensor compiles a step's signature at
    its third step (fused or not), which a fit of one or two steps reaches only in a later fit
    (their time counts as the first epoch's)."""
    if backend != "pytensor":
        return 0
    from oneiros_pytensor._compiled import Compiled

    return max(0, math.ceil(Compiled.COMPILE_AT_CALL / math.ceil(samples / BATCH)) - 1)


FUSED = "oneiros-pytensor spe="
WORKERS = {
    "oneiros-pytensor": lambda workload, samples, repeats: oneiros_worker("pytensor", workload, samples, repeats),
    "oneiros-jax": lambda workload, samples, repeats: oneiros_worker("jax", workload, samples, repeats),
    "keras2-theano": lambda workload, samples, repeats: keras2_worker(workload, *data(workload, samples), repeats),
}


PRODUCTS = "mlp products only"
MLP_WIDTHS = (784, 512, 512, 10)


def products_worker(workload: str, samples: int, repeats: int) -> dict:
    """The MLP step's matrix products alone: OpenBLAS's ``cblas_sgemm`` (the library PyTensor's C
    products link) on preallocated float32 arrays, transposed operands passed as flags."""
    import ctypes
    import ctypes.util

    import numpy as np

    blas = ctypes.CDLL(ctypes.util.find_library("openblas"))
    row_major, plain, transposed = 101, 111, 112
    rng = np.random.default_rng(0)
    calls = []
    for rows, inner, columns, transpose_a, transpose_b in _mlp_products():
        a = rng.random((inner, rows) if transpose_a else (rows, inner), dtype=np.float32)
        b = rng.random((columns, inner) if transpose_b else (inner, columns), dtype=np.float32)
        c = np.empty((rows, columns), np.float32)
        pointers = [array.ctypes.data_as(ctypes.c_void_p) for array in (a, b, c)]
        flags = [transposed if flag else plain for flag in (transpose_a, transpose_b)]
        # the arrays stay referenced beside the pointers BLAS gets
        calls.append((a, b, c, (row_major, *flags, rows, columns, inner, ctypes.c_float(1.0), pointers[0], a.shape[1],
                                pointers[1], b.shape[1], ctypes.c_float(0.0), pointers[2], columns)))

    def epoch() -> None:
        for _ in range(samples // BATCH):
            for *_, arguments in calls:
                blas.cblas_sgemm(*arguments)

    return timed_epochs(epoch, samples, repeats)


def _mlp_products() -> list[tuple[int, int, int, bool, bool]]:
    """(rows, inner, columns, A transposed, B transposed) of the MLP step's products: each layer's
    forward product and weight gradient, the input gradients of the layers above the first."""
    layers = list(zip(MLP_WIDTHS[:-1], MLP_WIDTHS[1:]))
    forward = [(BATCH, fan_in, fan_out, False, False) for fan_in, fan_out in layers]
    weights = [(fan_in, BATCH, fan_out, True, False) for fan_in, fan_out in layers]
    inputs = [(BATCH, fan_out, fan_in, False, True) for fan_in, fan_out in layers[1:]]
    return forward + weights + inputs


def worker(contender: str) -> Callable[[str, int, int], dict]:
    if contender == PRODUCTS:
        return products_worker
    if contender.startswith(FUSED):
        steps = int(contender.removeprefix(FUSED))
        return lambda workload, samples, repeats: oneiros_worker("pytensor", workload, samples, repeats, steps)
    return WORKERS[contender]


def run_worker(contender: str, workload: str, samples: int, repeats: int) -> dict:
    arguments = ["--worker", contender, "--workload", workload, "--samples", str(samples), "--repeats", str(repeats)]
    if contender == "keras2-theano":
        python = legacy_python("keras2-theano", KERAS2_PACKAGES, LEGACY_NO_DEPS)
        return run_worker_in(python, __file__, arguments, {**os.environ, **THEANO_ENVIRONMENT})
    return run_worker_in(sys.executable, __file__, arguments, dict(os.environ))


def _add_cpu_ratios(results: dict[str, dict], baseline: str) -> None:
    """Each contender's speed-up over ``baseline`` in process CPU time per sample: on the shared
    machine other processes' load inflates it far less than wall-clock time."""
    base = results.get(baseline, {}).get(CPU_PER_SAMPLE)
    for result in results.values():
        if base and result.get(CPU_PER_SAMPLE):
            result[CPU_RATIO] = f"{base / result[CPU_PER_SAMPLE]:.2f}x"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=1024)
    parser.add_argument("--repeats", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of fresh processes, each "
                        "contender keeping its best: the shared machine's slow spells (a third slower, for "
                        "seconds) then rarely decide a ratio")
    parser.add_argument("--workload", choices=WORKLOADS)
    parser.add_argument("--steps-per-execution", type=int, help="adds a row for the MLP: oneiros-pytensor with "
                        "this many steps per compiled call")
    parser.add_argument("--products", action="store_true", help="adds a row for the MLP: its matrix products alone")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker)(args.workload, args.samples, args.repeats)))
        return
    for workload in [args.workload] if args.workload else WORKLOADS:
        rows = list(CONTENDERS)
        if workload == "mlp" and args.steps_per_execution is not None:
            rows.insert(1, f"{FUSED}{args.steps_per_execution}")
        if workload == "mlp" and args.products:
            rows.append(PRODUCTS)
        results = best_of_rounds(lambda contender: run_worker(contender, workload, args.samples, args.repeats),
                                 rows, args.rounds)
        _add_cpu_ratios(results, "keras2-theano")
        print_table(f"{workload} training, batch {BATCH}, {args.samples} samples/epoch", results, "keras2-theano",
                    extra={CPU_PER_SAMPLE: "CPU µs/sample", CPU_RATIO: "vs keras2-theano by CPU"})


if __name__ == "__main__":
    main()
