"""Time to first result (issue 26): how long a fresh process takes from importing the framework
to the end of its first epoch and to the end of ``fit(epochs=3)``, and the third epoch's speed.

Workloads (batch 128, Adam, float32, from train_mlp.py, train_cnn.py and train_lstm.py): the MLP
784-512-512-10, the MNIST convnet, Embedding(20000, 128) -> LSTM(64) -> Dense(1). Contenders,
each in a fresh process, the data made before the clock starts:

- ``oneiros cold``: ``fit`` with the default ``steps_per_execution="auto"`` and a fresh, empty
  ``$ONEIROS_HOME`` (no compilation cache, nothing remembered);
- ``oneiros warm``: the same program again with that ``$ONEIROS_HOME`` (the second run of a
  script: its compiled programs cached, the "auto" choice remembered);
- ``keras``: Keras 3 ``fit`` on JAX (steps_per_execution=1, its default);
- ``jax step``: a hand-written jitted JAX + optax step, one call per batch.

The contenders run in ``--rounds`` interleaved rounds (a fresh home for each cold run) and each
keeps its best round by time to the first epoch, so a burst of load on the shared machine hurts
all of them alike. Times exclude the interpreter's own start and exit. Beside the wall-clock time
to the first epoch, its CPU time (the whole process, XLA's threads too) is printed: on a loaded
machine the wall-clock ratios swing with whoever else runs (the hand-written step moved between
0.67x and 1.40x Keras's), while the work each contender does stays put. So is the number of
programs XLA compiled before the first epoch ended (persistent-cache hits not counted): a warm
run should compile none.

Run: .venv/bin/python benchmarks/first_result.py [--workloads mlp,cnn,lstm] [--samples mlp=30000,cnn=4096,lstm=2048]
     [--rounds 1]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CLOCK_STARTED = time.perf_counter()
sys.path.insert(0, str(Path(__file__).parent))
import train_cnn  # noqa: E402
import train_lstm  # noqa: E402
import train_mlp  # noqa: E402
from _harness import console, run_worker  # noqa: E402
from _jax_steps import _one_step_per_call, _train_step  # noqa: E402
from _workload import BATCH, Workload  # noqa: E402

EPOCHS = 3
WORKLOADS = {"mlp": train_mlp.WORKLOAD, "cnn": train_cnn.WORKLOAD, "lstm": train_lstm.WORKLOAD}
SAMPLES = {"mlp": 30000, "cnn": 4096, "lstm": 2048}
COLD, WARM, KERAS, HAND = "oneiros cold", "oneiros warm", "keras", "jax step"


class _XlaCompiles:
    """Counts the programs XLA compiled: compile requests the persistent cache did not answer
    (JAX reports both through ``jax.monitoring``)."""

    REQUEST, CACHE_HIT = "/jax/core/compile/backend_compile_duration", "/jax/compilation_cache/cache_hits"
    counter: _XlaCompiles | None = None

    def __init__(self) -> None:
        import jax.monitoring

        self.requests = self.cache_hits = 0
        jax.monitoring.register_event_duration_secs_listener(self._on_duration)
        jax.monitoring.register_event_listener(self._on_event)

    def _on_duration(self, event: str, seconds: float, **_: Any) -> None:
        self.requests += event == self.REQUEST

    def _on_event(self, event: str, **_: Any) -> None:
        self.cache_hits += event == self.CACHE_HIT

    @classmethod
    def start(cls) -> None:
        """Called once JAX is imported (by the framework, so that its import time counts)."""
        cls.counter = cls()

    @classmethod
    def so_far(cls) -> int:
        return 0 if cls.counter is None else cls.counter.requests - cls.counter.cache_hits


def _now() -> tuple[float, float, int]:
    """Wall-clock seconds, the CPU seconds of the whole process (every thread: XLA's too), and the
    programs XLA compiled so far."""
    return time.perf_counter(), time.process_time(), _XlaCompiles.so_far()


def _result(epoch_ends: list[tuple[float, float, int]], started: tuple[float, float, int], samples: int,
            **extra: Any) -> dict[str, Any]:
    """Seconds from ``started`` to the first and the last epoch's end, the CPU seconds and XLA
    compiles to the first, and the last epoch's speed."""
    walls = [wall for wall, _, _ in epoch_ends]
    return {"first_epoch_s": walls[0] - started[0], "first_epoch_cpu_s": epoch_ends[0][1] - started[1],
            "first_epoch_compiles": epoch_ends[0][2], "fit_s": walls[-1] - started[0],
            "steady_samples_per_s": samples / (walls[-1] - walls[-2]), **extra}


def _epoch_ends(callback_class: type) -> Any:
    """A ``callback_class`` (Oneiros's or Keras's Callback) that appends each epoch's end time to its ``ends``."""
    class EpochEnds(callback_class):  # type: ignore[misc, valid-type]
        ends: list[tuple[float, float, int]] = []

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            self.ends.append(_now())

    return EpochEnds()


def oneiros_run(workload: Workload, x: Any, y: Any, started: tuple[float, float, int]) -> dict[str, Any]:
    import oneiros as oi

    oi.set_backend("jax")
    _XlaCompiles.start()
    recorder = _epoch_ends(oi.callbacks.Callback)
    model = workload.oneiros_model()
    model.compile(optimizer="adam", loss=workload.loss)
    history = model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, verbose=0, shuffle=False, callbacks=[recorder])
    search = model._get_trainer().fusion_search
    return _result(recorder.ends, started, len(x), steps_per_execution=history.params["steps_per_execution"],
                   choice=search.source)


def keras_run(workload: Workload, x: Any, y: Any, started: tuple[float, float, int]) -> dict[str, Any]:
    import keras

    _XlaCompiles.start()
    recorder = _epoch_ends(keras.callbacks.Callback)
    model = workload.keras_model()
    model.compile(optimizer="adam", loss=workload.loss)
    model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, verbose=0, shuffle=False, callbacks=[recorder])
    return _result(recorder.ends, started, len(x))


def hand_written_run(workload: Workload, x: Any, y: Any, started: tuple[float, float, int]) -> dict[str, Any]:
    import jax

    _XlaCompiles.start()
    params_key, dropout_key = jax.random.split(jax.random.PRNGKey(0))
    params = workload.jax_params(params_key)
    optimizer = workload.jax_optimizer()
    carry = (params, optimizer.init(params), dropout_key if workload.jax_needs_key else None)
    epoch = _one_step_per_call(_train_step(workload.jax_loss, optimizer), carry, x, y)
    ends = []
    for _ in range(EPOCHS):
        epoch()
        ends.append(_now())
    return _result(ends, started, len(x))


RUNS = {COLD: oneiros_run, WARM: oneiros_run, KERAS: keras_run, HAND: hand_written_run}


def worker(name: str, workload_name: str, samples: int) -> None:
    x, y = WORKLOADS[workload_name].data(samples)
    started = _now()  # the framework's imports count; making the data does not
    result = RUNS[name](WORKLOADS[workload_name], x, y, started)
    result["before_import_s"] = started[0] - CLOCK_STARTED
    print(json.dumps(result))


def one_round(workload_name: str, samples: int) -> dict[str, dict[str, Any]]:
    """Every contender once; the two Oneiros runs share a fresh ``$ONEIROS_HOME``."""
    arguments = ["--workload", workload_name, "--samples", f"{workload_name}={samples}"]
    results = {}
    with tempfile.TemporaryDirectory(prefix="oneiros-home-") as home:
        previous = os.environ.get("ONEIROS_HOME")
        os.environ["ONEIROS_HOME"] = home
        try:
            for name in (COLD, WARM):
                results[name] = run_worker(__file__, name, arguments)
        finally:
            os.environ.pop("ONEIROS_HOME") if previous is None else os.environ.update(ONEIROS_HOME=previous)
    for name in (KERAS, HAND):
        results[name] = run_worker(__file__, name, arguments)
    return results


def print_table(title: str, results: dict[str, dict[str, Any]]) -> None:
    from rich.table import Table

    table = Table(title=title)
    for column in ("contender", "import -> epoch 1 s", "vs keras", "its CPU s", "vs keras", "XLA compiles",
                   f"import -> epoch {EPOCHS} s", "vs keras", f"epoch {EPOCHS} samples/s", "vs keras",
                   "steps_per_execution"):
        table.add_column(column)
    keras = results.get(KERAS, {})
    for name, result in results.items():
        if "error" in result:
            table.add_row(name, "error: " + result["error"], *("-" for _ in range(9)))
            continue

        def ratio(key: str) -> str:
            return f"{result[key] / keras[key]:.2f}x" if key in keras else "-"

        choice = f"{result['steps_per_execution']} ({result['choice']})" if "choice" in result else "1"
        table.add_row(name, f"{result['first_epoch_s']:.2f}", ratio("first_epoch_s"),
                      f"{result['first_epoch_cpu_s']:.2f}", ratio("first_epoch_cpu_s"),
                      str(result["first_epoch_compiles"]), f"{result['fit_s']:.2f}",
                      ratio("fit_s"), f"{result['steady_samples_per_s']:,.0f}", ratio("steady_samples_per_s"), choice)
    console().print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workloads", default=",".join(WORKLOADS), help="comma-separated: mlp, cnn, lstm")
    parser.add_argument("--samples", default="", help="per workload, e.g. cnn=8192,lstm=5120")
    parser.add_argument("--rounds", type=int, default=1, help="interleaved rounds; each contender keeps its best")
    parser.add_argument("--worker", choices=sorted(RUNS), help=argparse.SUPPRESS)
    parser.add_argument("--workload", choices=sorted(WORKLOADS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    samples = dict(SAMPLES)
    for item in filter(None, args.samples.split(",")):
        name, _, count = item.partition("=")
        if name not in WORKLOADS or not count.isdigit():
            parser.error(f"--samples: expected NAME=COUNT with NAME one of {', '.join(WORKLOADS)}; received {item!r}")
        samples[name] = int(count)
    if args.worker:
        worker(args.worker, args.workload, samples[args.workload])
        return
    names = args.workloads.split(",")
    unknown = sorted(set(names) - set(WORKLOADS))
    if unknown:
        parser.error(f"--workloads: unknown {unknown}; choose from {', '.join(WORKLOADS)}")
    for name in names:
        best: dict[str, dict[str, Any]] = {}
        for _ in range(args.rounds):
            for contender, result in one_round(name, samples[name]).items():
                kept = best.get(contender)
                if kept is None or result.get("first_epoch_s", float("inf")) < kept.get("first_epoch_s", float("inf")):
                    best[contender] = result
        print_table(f"{WORKLOADS[name].title}: fresh processes, batch {BATCH}, {samples[name]} samples/epoch, "
                    f"{EPOCHS} epochs", best)


if __name__ == "__main__":
    main()
