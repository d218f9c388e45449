"""Where inference time goes: ONNX Runtime's per-node times for the float32 and int8 exports.

The MNIST convnet and the MLP 784-512-512-10 (random weights; int8 calibrated on 256 rows of the
inputs, as ``quantized_inference.py``) are exported as float32 and static int8; each file runs
batches of 128 in an ONNX Runtime session with profiling on (``SessionOptions.enable_profiling``)
at each thread count given. Prints, per model, thread count and file, the nodes as ONNX Runtime
runs them (after its fusions and layout changes: ``QLinearConv`` for a quantized Conv,
``ReorderOutput`` for its NCHWc float layout), each node's median and fastest time per batch and
its share of the nodes' total, and the median whole run (whose excess over the nodes' total is
session overhead and, on a shared machine, time off the CPU). Under load the fastest times of a
single thread move least.

Run: .venv/bin/python benchmarks/onnx_profile.py [--models convnet,mlp] [--threads 1,2] [--runs 60]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import warnings
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from quantized_inference import BATCH, models  # noqa: E402

WARMUP_RUNS = 5


def profile(model: bytes, batch: np.ndarray, threads: int, runs: int, folder: Path) -> tuple[float, list[tuple]]:
    """(median run ms, [(op type, node name, median ms, fastest ms)] slowest first) over ``runs`` runs."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.enable_profiling = True
    options.profile_file_prefix = str(folder / "profile")
    options.log_severity_level = 3
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    feed = {session.get_inputs()[0].name: batch}
    for _ in range(WARMUP_RUNS + runs):
        session.run(None, feed)
    times: dict[tuple[str, str], list[float]] = defaultdict(list)
    whole: list[float] = []
    for event in json.loads(Path(session.end_profiling()).read_text()):
        if event.get("cat") == "Node" and event["name"].endswith("_kernel_time"):
            times[(event["args"]["op_name"], event["name"].removesuffix("_kernel_time"))].append(event["dur"] / 1e3)
        elif event.get("cat") == "Session" and event["name"] == "model_run":
            whole.append(event["dur"] / 1e3)
    nodes = [(kind, name, float(np.median(spans[WARMUP_RUNS:])), min(spans[WARMUP_RUNS:]))
             for (kind, name), spans in times.items()]
    return float(np.median(whole[WARMUP_RUNS:])), sorted(nodes, key=lambda node: -node[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", default="convnet,mlp")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    from oneiros_onnx.export import to_onnx
    from oneiros_onnx.quantize import QuantizationWarning

    # Random weights leave near-ties between classes, which int8 flips: time is measured here, not agreement.
    warnings.simplefilter("ignore", QuantizationWarning)
    rng = np.random.default_rng(0)
    available = models()
    with tempfile.TemporaryDirectory(prefix="oneiros-profile-") as folder:
        for name in args.models.split(","):
            model, shape = available[name]
            x = rng.random((256, *shape), dtype=np.float32)
            files = {"float32": to_onnx(model), "int8": to_onnx(model, quantize="int8", calibration_data=x)}
            for threads in (int(count) for count in args.threads.split(",")):
                for mode, proto in files.items():
                    run, nodes = profile(proto.SerializeToString(), x[:BATCH], threads, args.runs, Path(folder))
                    total = sum(node[2] for node in nodes)
                    print(f"\n{name} {mode}, {threads} thread(s), batch {BATCH}: median run {run:.3f} ms, nodes "
                          f"{total:.3f} ms (median), {sum(node[3] for node in nodes):.3f} ms (fastest)")
                    for kind, node, median, fastest in nodes:
                        print(f"  {kind:18s} {node[:40]:40s} {median:8.3f} ms {fastest:8.3f} ms {median / total:6.1%}")


if __name__ == "__main__":
    main()
