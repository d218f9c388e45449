"""Training speed on the TensorFlow backend (issue 22): Oneiros against Keras 3 on TensorFlow and
a hand-written ``tf.function`` training step, in one run.

Workloads (batch 128, Adam, float32; the pieces come from train_mlp.py, train_cnn.py and
train_lstm.py): the MLP 784-512-512-10, the classic MNIST convnet, and
Embedding(20000, 128) -> LSTM(64) -> Dense(1) on length-200 sequences. Contenders, each in a
fresh process:

- ``oneiros fit``: ``fit`` on the tensorflow backend with the default compile
  (``steps_per_execution="auto"``, measured afresh in each process: nothing remembered from
  earlier runs is used; XLA or not chosen per compiled function, ``jit_compile=None``);
- ``oneiros graph`` and ``oneiros xla``: the same with ``TensorflowBackend(jit_compile=False)``
  and ``(jit_compile=True)``, the two choices the default picks between;
- ``oneiros spe=8``: the default backend with 8 fused steps per call from the start, what
  ``"auto"`` adopts for the MLP once the training ahead can repay compiling it (not within the
  small size's epochs: see the summary line's "chose");
- ``keras spe=1``: Keras 3 ``fit`` with ``KERAS_BACKEND=tensorflow`` (its default ``jit_compile="auto"``);
- ``tf step`` and ``tf step xla``: a hand-written ``tf.function`` step (GradientTape, Adam written
  out on tf.Variables updated in place), one call per batch, batches fed as numpy arrays like the
  frameworks get them; without and with ``jit_compile=True``. The LSTM is Keras 2's TensorFlow
  loop (a TensorArray of time steps read by a ``tf.while_loop`` carrying ``(h, c)``), the
  fastest of the hand-written loops measured (see ``_lstm``).

Prints, per workload, samples/second (median of the timed epochs after the first, which
compiles), the first epoch's time, peak RSS, ratios to Keras and to the faster hand-written
step, and the process CPU time per sample (all threads; on a shared machine, other processes'
load inflates it far less than wall-clock time); then one summary line per workload with the
ratios by both. ``--size small`` is a quick run for CPUs.

Run: .venv/bin/python benchmarks/train_tensorflow.py [--size full|small] [--workloads mlp,cnn,lstm] [--rounds 1]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import train_cnn  # noqa: E402
import train_lstm  # noqa: E402
import train_mlp  # noqa: E402
from _contenders import Contender, auto_choice, keras_fit, oneiros_fit  # noqa: E402
from _harness import print_table, run_contenders, run_worker, timed_epochs  # noqa: E402
from _workload import BATCH, Workload  # noqa: E402

WORKLOADS = {"mlp": train_mlp.WORKLOAD, "cnn": train_cnn.WORKLOAD, "lstm": train_lstm.WORKLOAD}
SIZES = {"full": {"samples": {"mlp": 61440, "cnn": 16384, "lstm": 4096}, "repeats": 3},
         "small": {"samples": {"mlp": 8192, "cnn": 2048, "lstm": 1024}, "repeats": 2}}
OURS, KERAS, HAND, HAND_XLA = "oneiros fit", "keras spe=1", "tf step", "tf step xla"
DEVICES_WORKER = "devices"
CPU_PER_SAMPLE = "cpu_us_per_sample"
LEARNING_RATE, BETA_1, BETA_2, EPSILON = 1e-3, 0.9, 0.999, 1e-7


def _tensorflow() -> Any:
    # The harness starts every worker with KERAS_BACKEND=jax; Keras reads it on import.
    os.environ["KERAS_BACKEND"] = "tensorflow"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    return tf


def oneiros_on_tensorflow(workload: Workload, x: np.ndarray, y: np.ndarray, repeats: int,
                          jit_compile: bool | None = None, steps_per_execution: int | str = "auto") -> dict[str, Any]:
    _tensorflow()
    from oneiros_tensorflow.backend import TensorflowBackend

    return oneiros_fit(workload, x, y, repeats, steps_per_execution=steps_per_execution,
                       backend=TensorflowBackend(jit_compile=jit_compile))


def keras_on_tensorflow(workload: Workload, x: np.ndarray, y: np.ndarray, repeats: int) -> dict[str, Any]:
    _tensorflow()
    return keras_fit(workload, x, y, repeats)


def _glorot(tf: Any, shape: tuple[int, ...], fan_in: int, fan_out: int) -> Any:
    limit = np.sqrt(6 / (fan_in + fan_out))
    return tf.Variable(tf.random.uniform(shape, -limit, limit, seed=0))


def _mlp(tf: Any) -> tuple[list[Any], Any]:
    sizes = [(784, 512), (512, 512), (512, 10)]
    params = [v for n_in, n_out in sizes for v in (_glorot(tf, (n_in, n_out), n_in, n_out), tf.Variable(tf.zeros(n_out)))]

    def loss(x: Any, y: Any) -> Any:
        h = x
        for index in range(0, 4, 2):
            h = tf.nn.relu(h @ params[index] + params[index + 1])
        logits = h @ params[4] + params[5]
        return _sparse_categorical_crossentropy(tf, tf.nn.softmax(logits), y)

    return params, loss


def _sparse_categorical_crossentropy(tf: Any, probabilities: Any, labels: Any) -> Any:
    picked = tf.gather(probabilities, tf.cast(labels, tf.int32), batch_dims=1)
    return -tf.reduce_mean(tf.math.log(picked + 1e-7))


def _cnn(tf: Any) -> tuple[list[Any], Any]:
    params = [_glorot(tf, (3, 3, 1, 32), 9, 288), tf.Variable(tf.zeros(32)),
              _glorot(tf, (3, 3, 32, 64), 288, 576), tf.Variable(tf.zeros(64)),
              _glorot(tf, (1600, 10), 1600, 10), tf.Variable(tf.zeros(10))]
    keep = 1 - train_cnn.DROPOUT

    def loss(x: Any, y: Any, seed: Any) -> Any:
        h = x
        for index in (0, 2):
            h = tf.nn.relu(tf.nn.conv2d(h, params[index], 1, "VALID") + params[index + 1])
            h = tf.nn.max_pool2d(h, 2, 2, "VALID")
        h = tf.reshape(h, (-1, 1600))
        kept = tf.random.stateless_uniform(tf.shape(h), seed) < keep
        h = tf.where(kept, h / keep, 0.0)
        return _sparse_categorical_crossentropy(tf, tf.nn.softmax(h @ params[4] + params[5]), y)

    return params, loss


def _lstm(tf: Any) -> tuple[list[Any], Any]:
    units, embedding = train_lstm.UNITS, train_lstm.EMBEDDING
    bias = np.zeros(4 * units, np.float32)
    bias[units:2 * units] = 1.0  # the forget gate's unit bias, as Keras initialises it
    params = [tf.Variable(tf.random.uniform((train_lstm.VOCABULARY, embedding), -0.05, 0.05, seed=0)),
              _glorot(tf, (embedding, 4 * units), embedding, 4 * units),
              tf.Variable(tf.transpose(tf.linalg.qr(tf.random.normal((4 * units, units), seed=1))[0])),
              tf.Variable(bias), _glorot(tf, (units, 1), units, 1), tf.Variable(tf.zeros(1))]

    def loss(x: Any, y: Any) -> Any:
        embeddings, kernel, recurrent, gate_bias, dense, dense_bias = params
        # Keras 2's TensorFlow rnn loop: the time steps in a TensorArray, read by a tf.while_loop
        # that carries only (h, c). Each step projects its own inputs: measured (process CPU
        # time) 0.84 vs 0.97 ms/sample in graph mode and level under XLA against one projection
        # of the whole sequence before the loop, and 0.84 vs 1.0-1.2 against tf.scan.
        inputs = tf.TensorArray(tf.float32, size=train_lstm.LENGTH).unstack(
            tf.transpose(tf.gather(embeddings, x), (1, 0, 2)))

        def step(t: Any, h: Any, c: Any) -> Any:
            i, f, g, o = tf.split(inputs.read(t) @ kernel + h @ recurrent + gate_bias, 4, axis=-1)
            c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
            return t + 1, tf.sigmoid(o) * tf.tanh(c), c

        zeros = tf.zeros((tf.shape(x)[0], units))
        _, h, _ = tf.while_loop(lambda t, h, c: t < train_lstm.LENGTH, step, (tf.constant(0), zeros, zeros),
                                maximum_iterations=train_lstm.LENGTH)
        probability = tf.clip_by_value(tf.sigmoid(h @ dense + dense_bias), 1e-7, 1 - 1e-7)
        return -tf.reduce_mean(y * tf.math.log(probability) + (1 - y) * tf.math.log(1 - probability))

    return params, loss


HAND_WRITTEN = {train_mlp.WORKLOAD.title: _mlp, train_cnn.WORKLOAD.title: _cnn, train_lstm.WORKLOAD.title: _lstm}


def hand_written_step(workload: Workload, x: np.ndarray, y: np.ndarray, repeats: int,
                      jit_compile: bool = False) -> dict[str, Any]:
    """A tf.function step: loss and GradientTape, Adam on tf.Variables; one call per batch."""
    tf = _tensorflow()
    params, loss = HAND_WRITTEN[workload.title](tf)
    moments = [(tf.Variable(tf.zeros_like(p)), tf.Variable(tf.zeros_like(p))) for p in params]
    step_count = tf.Variable(0.0)
    key = tf.Variable([0, 0], dtype=tf.int64)

    @tf.function(jit_compile=jit_compile)
    def step(x_batch: Any, y_batch: Any) -> Any:
        step_count.assign_add(1.0)
        key.assign_add([0, 1])
        with tf.GradientTape() as tape:
            value = loss(x_batch, y_batch, key) if workload.jax_needs_key else loss(x_batch, y_batch)
        grads = tape.gradient(value, params)
        scale = LEARNING_RATE * tf.sqrt(1 - BETA_2 ** step_count) / (1 - BETA_1 ** step_count)
        for param, grad, (m, v) in zip(params, grads, moments):
            grad = tf.convert_to_tensor(grad)
            m.assign(BETA_1 * m + (1 - BETA_1) * grad)
            v.assign(BETA_2 * v + (1 - BETA_2) * tf.square(grad))
            param.assign_sub(scale * m / (tf.sqrt(v) + EPSILON))
        return value

    def epoch() -> None:
        for start in range(0, len(x), BATCH):
            value = step(x[start:start + BATCH], y[start:start + BATCH])
        value.numpy()

    return timed_epochs(epoch, len(x), repeats)


CONTENDERS: dict[str, Contender] = {
    OURS: oneiros_on_tensorflow,
    "oneiros graph": partial(oneiros_on_tensorflow, jit_compile=False),
    "oneiros xla": partial(oneiros_on_tensorflow, jit_compile=True),
    "oneiros spe=8": partial(oneiros_on_tensorflow, steps_per_execution=8),
    KERAS: keras_on_tensorflow,
    HAND: hand_written_step,
    HAND_XLA: partial(hand_written_step, jit_compile=True),
}


def device_summary() -> dict[str, str]:
    tf = _tensorflow()
    devices = tf.config.list_logical_devices()
    return {"description": f"{', '.join(device.name for device in devices)}, tensorflow {tf.__version__}"}


def _faster_hand_written(results: dict[str, dict[str, Any]]) -> str | None:
    rated = [name for name in (HAND, HAND_XLA) if results.get(name, {}).get("samples_per_second")]
    return max(rated, key=lambda name: results[name]["samples_per_second"]) if rated else None


def _ratios(results: dict[str, dict[str, Any]], key: str, ours_faster: Any) -> list[str]:
    """Oneiros against Keras and the faster hand-written step by ``key``; ``ours_faster(ours,
    theirs)`` is the speed ratio of the two values (above 1: Oneiros faster)."""
    ours = results[OURS].get(key)
    return [f"{ours_faster(ours, results[baseline][key]):.2f}x {label}" if results.get(baseline, {}).get(key)
            else f"no {label} result"
            for baseline, label in ((KERAS, "Keras fit on TensorFlow"),
                                    (_faster_hand_written(results), "the faster hand-written tf.function step"))]


def summary(name: str, results: dict[str, dict[str, Any]]) -> str:
    if not results.get(OURS, {}).get("samples_per_second"):
        return f"{name}: oneiros fit failed or did not run ({results.get(OURS, {}).get('error')})"
    by_rate = _ratios(results, "samples_per_second", lambda ours, theirs: ours / theirs)
    by_cpu = _ratios(results, CPU_PER_SAMPLE, lambda ours, theirs: theirs / ours)
    return (f"{name}: oneiros {', '.join(by_rate)}; by CPU time per sample {', '.join(by_cpu)} "
            f"(steps_per_execution=\"auto\" chose {auto_choice(results[OURS])})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--workloads", default=",".join(WORKLOADS), help="comma-separated: mlp, cnn, lstm")
    parser.add_argument("--rounds", type=int, default=1, help="interleaved rounds of all contenders; each keeps its best")
    parser.add_argument("--contenders", default=",".join(CONTENDERS), help="comma-separated subset to run")
    parser.add_argument("--worker", choices=[*CONTENDERS, DEVICES_WORKER], help=argparse.SUPPRESS)
    parser.add_argument("--workload", choices=sorted(WORKLOADS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    size = SIZES[args.size]
    if args.worker == DEVICES_WORKER:
        print(json.dumps(device_summary()))
        return
    if args.worker:
        # Each Oneiros process measures steps_per_execution="auto" afresh: a choice remembered in
        # $ONEIROS_HOME by an earlier run on this machine would decide for it.
        os.environ["ONEIROS_REMEMBER_CHOICES"] = "0"
        workload = WORKLOADS[args.workload]
        x, y = workload.data(size["samples"][args.workload])
        print(json.dumps(CONTENDERS[args.worker](workload, x, y, size["repeats"])))
        return
    names, contenders = args.workloads.split(","), args.contenders.split(",")
    unknown = sorted(set(names) - set(WORKLOADS)) + sorted(set(contenders) - set(CONTENDERS))
    if unknown:
        parser.error(f"unknown workloads or contenders {unknown}; choose from {list(WORKLOADS)} and {list(CONTENDERS)}")
    devices = run_worker(__file__, DEVICES_WORKER, [])
    if "error" in devices:
        sys.exit(f"TensorFlow cannot start: {devices['error']}")
    print(f"devices: {devices['description']}; batch {BATCH}; size {args.size}, {size['repeats']} timed epochs")
    summaries = []
    for name in names:
        results = run_contenders(__file__, contenders, ["--workload", name, "--size", args.size], rounds=args.rounds)
        print_table(f"{WORKLOADS[name].title}, batch {BATCH}, {size['samples'][name]} samples/epoch", results,
                    *(baseline for baseline in (KERAS, _faster_hand_written(results)) if baseline in results),
                    extra={CPU_PER_SAMPLE: "CPU µs/sample"})
        summaries.append(summary(name, results))
    print("\n".join(["summary:", *summaries]))


if __name__ == "__main__":
    main()
