"""Training speed of the classic Keras MNIST convnet on MXNet (batch 128, Adam, float32).

Conv2D(32, 3, relu) -> MaxPooling2D(2) -> Conv2D(64, 3, relu) -> MaxPooling2D(2) -> Flatten ->
Dropout(0.5) -> Dense(10, softmax), on random 28x28x1 images (the model of train_cnn.py).

Contenders, each in a fresh process: oneiros on its mxnet backend (the oneiros-vision layers,
channels-last data, ``fit``), and a hand-written MXNet Gluon loop of the same network
(hybridized, channels-first data uploaded once, ``autograd.record`` / ``backward`` /
``Trainer.step``), plus the same Gluon loop without hybridize for reference. Prints
samples/second (median of the epochs after the first), the first epoch's time, peak RSS, and
ratios to hybridized Gluon. The contenders run in ``--rounds`` interleaved rounds, each keeping
its best, so that a burst of load on a shared machine does not decide the ratio.

Run in the MXNet environment: .venv-mxnet/bin/python benchmarks/train_cnn_mxnet.py [--samples 8192] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _harness import print_table, run_contenders, timed_epochs  # noqa: E402

BATCH = 128
DROPOUT = 0.5
CONTENDERS = ["oneiros", "gluon", "gluon-eager"]


def data(samples: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.random((samples, 28, 28, 1), dtype=np.float32), rng.integers(0, 10, samples).astype(np.int32)


def oneiros_worker(x: np.ndarray, y: np.ndarray, repeats: int) -> dict:
    import oneiros as oi
    from oneiros_vision.models import mnist_convnet

    oi.set_backend("mxnet")
    model = mnist_convnet(dropout=DROPOUT)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return timed_epochs(lambda: model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False),
                        len(x), repeats)


def gluon_worker(x: np.ndarray, y: np.ndarray, repeats: int, hybridize: bool = True) -> dict:
    import mxnet as mx
    from mxnet import autograd, gluon

    net = gluon.nn.HybridSequential()
    net.add(gluon.nn.Conv2D(32, 3, activation="relu"), gluon.nn.MaxPool2D(2),
            gluon.nn.Conv2D(64, 3, activation="relu"), gluon.nn.MaxPool2D(2),
            gluon.nn.Flatten(), gluon.nn.Dropout(DROPOUT), gluon.nn.Dense(10))
    net.initialize(mx.init.Xavier())
    if hybridize:
        net.hybridize(static_alloc=True, static_shape=True)
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 1e-3})
    images = mx.nd.array(x.transpose(0, 3, 1, 2))  # Gluon's CPU convolutions are channels-first
    labels = mx.nd.array(y)

    def epoch() -> None:
        for start in range(0, len(x), BATCH):
            xb, yb = images[start:start + BATCH], labels[start:start + BATCH]
            with autograd.record():
                loss = loss_fn(net(xb), yb)
            loss.backward()
            trainer.step(xb.shape[0])
        mx.nd.waitall()

    return timed_epochs(epoch, len(x), repeats)


WORKERS = {
    "oneiros": oneiros_worker,
    "gluon": gluon_worker,
    "gluon-eager": lambda x, y, repeats: gluon_worker(x, y, repeats, hybridize=False),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=8192)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker", choices=sorted(WORKERS))
    args = parser.parse_args()
    if args.worker:
        x, y = data(args.samples)
        print(json.dumps(WORKERS[args.worker](x, y, args.repeats)))
        return
    results = run_contenders(__file__, CONTENDERS, ["--samples", str(args.samples), "--repeats", str(args.repeats)],
                             rounds=args.rounds)
    print_table(f"MNIST convnet training on MXNet, batch {BATCH}, {args.samples} samples/epoch", results, "gluon")
    ours, hand = results.get("oneiros", {}), results.get("gluon", {})
    if "samples_per_second" in ours and "samples_per_second" in hand:
        print(f"oneiros on mxnet / hand-written hybridized Gluon: "
              f"{ours['samples_per_second'] / hand['samples_per_second']:.2f}x")


if __name__ == "__main__":
    main()
