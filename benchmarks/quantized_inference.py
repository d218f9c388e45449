"""float32 vs int8 vs float16 ONNX Runtime sessions of the same model, in one process, interleaved.

On a shared machine whose load comes in bursts, fresh processes run minutes apart see different
machines; here the three sessions of the MLP 784-512-512-10 and the MNIST convnet (random
weights; int8 calibrated on 256 rows of the timed inputs) take turns over the same batches of
128, and each keeps its best of ``--rounds`` passes. Prints samples/second and the ratio to
float32. ``predict.py`` gives the comparison with Keras and the MNIST accuracy.

Run: .venv/bin/python benchmarks/quantized_inference.py [--samples 4096] [--rounds 7]
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

BATCH = 128
MODES = ("float32", "int8", "float16")


def models() -> dict[str, tuple]:
    import oneiros as oi
    from oneiros import layers
    from oneiros_vision.models import mnist_convnet

    mlp = oi.Sequential([layers.Input((784,)), layers.Dense(512, activation="relu"),
                         layers.Dense(512, activation="relu"), layers.Dense(10, activation="softmax")])
    return {"mlp": (mlp, (784,)), "convnet": (mnist_convnet(), (28, 28, 1))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=4096)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    import onnxruntime as ort

    from oneiros_onnx.export import to_onnx
    from oneiros_onnx.quantize import QuantizationWarning

    # Random weights leave near-ties between classes, which int8 flips: speed is measured here, not agreement.
    warnings.simplefilter("ignore", QuantizationWarning)

    rng = np.random.default_rng(0)
    for name, (model, shape) in models().items():
        x = rng.random((args.samples, *shape), dtype=np.float32)
        protos = {mode: to_onnx(model, quantize=None if mode == "float32" else mode,
                                calibration_data=None if mode == "float32" else x[:256]) for mode in MODES}
        sessions = {mode: ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
                    for mode, proto in protos.items()}
        best: dict[str, float] = {}
        for _ in range(args.rounds):
            for mode, session in sessions.items():
                feed_name = session.get_inputs()[0].name
                started = time.perf_counter()
                for start in range(0, len(x), BATCH):
                    session.run(None, {feed_name: x[start:start + BATCH]})
                best[mode] = max(best.get(mode, 0.0), len(x) / (time.perf_counter() - started))
        cells = ", ".join(f"{mode} {rate:,.0f}/s ({rate / best['float32']:.2f}x)" for mode, rate in best.items())
        print(f"{name}: {cells}")


if __name__ == "__main__":
    main()
