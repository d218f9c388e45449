"""Training speed of small models on whatever device JAX sees (issue 12): Oneiros against Keras 3
and hand-written JAX, in one run.

Workloads (batch 128, Adam, float32; their pieces come from train_mlp.py, train_cnn.py and
train_lstm.py): the MLP 784-512-512-10, the classic MNIST convnet, and
Embedding(20000, 128) -> LSTM(64) -> Dense(1) on length-200 sequences. Contenders, each in a
fresh process:

- ``oneiros fit``: ``fit`` with the default compile, ``steps_per_execution="auto"``;
- ``oneiros spe=16``: ``fit`` with ``steps_per_execution=16``, the fixed choice "auto" is measured against;
- ``keras spe=1`` and ``keras spe=16``: Keras 3 ``fit`` on JAX with ``steps_per_execution`` 1 and 16;
- ``jax step``: a hand-written jitted JAX + optax step, one call per batch;
- ``jax scan16``: 16 hand-written steps per ``lax.scan`` call, the 16 batches stacked and sent
  to the device at once.

Prints, per workload, samples/second (median of the timed epochs after the first, which
compiles), the first epoch's time, peak RSS, ratios to Keras spe=1 and to the hand-written scan,
and which steps_per_execution "auto" chose; then one summary line per workload. ``--size small``
is a quick run for CPUs (2 timed epochs of 2048 samples; 8192 for the MLP, the 64 batches that
"auto" needs before it measures fusion).

Run: .venv/bin/python benchmarks/train_gpu.py [--size full|small] [--workloads mlp,cnn,lstm] [--rounds 1]
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import train_cnn  # noqa: E402
import train_lstm  # noqa: E402
import train_mlp  # noqa: E402
from _contenders import Contender, auto_choice, keras_fit, oneiros_fit  # noqa: E402
from _harness import print_table, run_contenders, run_worker  # noqa: E402
from _jax_steps import hand_written_training  # noqa: E402
from _workload import BATCH  # noqa: E402

FUSED = 16
WORKLOADS = {"mlp": train_mlp.WORKLOAD, "cnn": train_cnn.WORKLOAD, "lstm": train_lstm.WORKLOAD}
SIZES = {"full": {"samples": {"mlp": 122880, "cnn": 40960, "lstm": 10240}, "repeats": 3},
         "small": {"samples": {"mlp": 8192, "cnn": 2048, "lstm": 2048}, "repeats": 2}}
OURS, KERAS, HAND_SCAN = "oneiros fit", "keras spe=1", f"jax scan{FUSED}"
CONTENDERS: dict[str, Contender] = {
    OURS: oneiros_fit,
    f"oneiros spe={FUSED}": partial(oneiros_fit, steps_per_execution=FUSED),
    KERAS: keras_fit,
    f"keras spe={FUSED}": partial(keras_fit, steps_per_execution=FUSED),
    "jax step": partial(hand_written_training, steps_per_call=1),
    HAND_SCAN: partial(hand_written_training, steps_per_call=FUSED),
}
DEVICES_WORKER = "devices"


def device_summary() -> dict[str, str]:
    import jax

    devices = jax.devices()
    return {"description": f"{len(devices)} x {devices[0].device_kind} ({devices[0].platform}), "
                           f"jax {jax.__version__}"}


def summary(name: str, results: dict[str, dict[str, Any]]) -> str:
    rates = {contender: result.get("samples_per_second") for contender, result in results.items()}
    ours = rates[OURS]
    if ours is None:
        return f"{name}: oneiros fit failed ({results[OURS]['error']})"
    ratios = [f"{ours / rates[baseline]:.2f}x {label}" if rates[baseline] else f"no {label} result"
              for baseline, label in ((KERAS, "Keras fit spe=1"), (HAND_SCAN, "hand-written scan"))]
    choice = auto_choice(results[OURS])
    return f"{name}: oneiros {', '.join(ratios)} (steps_per_execution=\"auto\" chose {choice})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--workloads", default=",".join(WORKLOADS), help="comma-separated: mlp, cnn, lstm")
    parser.add_argument("--rounds", type=int, default=1,
                        help="interleaved rounds of all contenders; each keeps its best")
    parser.add_argument("--worker", choices=[*CONTENDERS, DEVICES_WORKER], help=argparse.SUPPRESS)
    parser.add_argument("--workload", choices=sorted(WORKLOADS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    size = SIZES[args.size]
    if args.worker == DEVICES_WORKER:
        print(json.dumps(device_summary()))
        return
    if args.worker:
        workload = WORKLOADS[args.workload]
        x, y = workload.data(size["samples"][args.workload])
        print(json.dumps(CONTENDERS[args.worker](workload, x, y, size["repeats"])))
        return
    names = args.workloads.split(",")
    unknown = sorted(set(names) - set(WORKLOADS))
    if unknown:
        parser.error(f"--workloads: unknown {unknown}; choose from {', '.join(WORKLOADS)}")
    # The parent never touches the device: each contender's process gets all of it.
    devices = run_worker(__file__, DEVICES_WORKER, [])
    if "error" in devices:
        sys.exit(f"JAX cannot start: {devices['error']}")
    print(f"devices: {devices['description']}; batch {BATCH}; size {args.size}, {size['repeats']} timed epochs")
    summaries = []
    for name in names:
        samples = size["samples"][name]
        results = run_contenders(__file__, list(CONTENDERS), ["--workload", name, "--size", args.size],
                                 rounds=args.rounds)
        print_table(f"{WORKLOADS[name].title}, batch {BATCH}, {samples} samples/epoch", results, KERAS, HAND_SCAN)
        print(f"{OURS}: steps_per_execution=\"auto\" chose {auto_choice(results[OURS])}", flush=True)
        summaries.append(summary(name, results))
    print("\n".join(["summary:", *summaries]))


if __name__ == "__main__":
    main()
