"""The progress bar of fit / evaluate / predict (rich), or one line per epoch off a terminal."""

from __future__ import annotations

import sys
import time
from typing import Any

from oneiros.callbacks._base import Callback
from oneiros.utils._logging import LOGGER, is_interactive_logging_enabled

REFRESH_SECONDS = 0.25


SCIENTIFIC_BELOW = 1e-3
"""Keras's Progbar rule: values of magnitude up to 1e-3 print as ``1.2345e-04``, larger as ``0.1235``."""


def format_value(value: Any) -> str:
    number = float(value)
    return f"{number:.4f}" if abs(number) > SCIENTIFIC_BELOW else f"{number:.4e}"


def _format(logs: dict[str, Any]) -> str:
    return " - ".join(f"{key}: {format_value(value)}" for key, value in logs.items())


class ProgbarLogger(Callback):
    """Shows steps, time per step and running metrics. ``verbose=1`` draws a live bar when the
    output is a terminal and prints one line per epoch otherwise; ``verbose=2`` always prints one
    line per epoch. With interactive logging off (``oneiros.config.disable_interactive_logging()``)
    there is no bar and each line goes to the ``"oneiros"`` logger at INFO, as Keras sends its
    lines to absl's.

    Per step it only counts; it reads metric values (which waits for the device) at most four
    times a second.
    """

    reads_model_per_batch = False

    def __init__(self, verbose: int = 1, stream: Any = None) -> None:
        super().__init__()
        self.verbose = verbose
        self.stream = stream or sys.stdout
        self.live = verbose == 1 and self.stream.isatty()
        self._progress: Any = None

    def _start(self, total: int | None, description: str) -> None:
        self._started = time.perf_counter()
        self._last_draw = 0.0
        self._seen = 0
        self._total = total
        if not (self.live and is_interactive_logging_enabled()):
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TextColumn("{task.fields[per_step]}"), TextColumn("{task.fields[metrics]}"),
            console=Console(file=self.stream), transient=False,
        )
        self._progress.start()
        self._task = self._progress.add_task(description, total=total, per_step="", metrics="")

    def _advance(self, step: int, logs: dict | None) -> None:
        self._seen = step + 1
        if self._progress is None:
            return
        now = time.perf_counter()
        if now - self._last_draw < REFRESH_SECONDS and self._seen != self._total:
            return
        self._last_draw = now
        per_step = (now - self._started) / self._seen * 1000
        self._progress.update(self._task, completed=self._seen, per_step=f"{per_step:.1f}ms/step",
                              metrics=_format(logs or {}))

    def _finish(self, prefix: str, logs: dict | None) -> None:
        elapsed = time.perf_counter() - self._started
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
        per_step = elapsed / max(self._seen, 1) * 1000
        line = (f"{prefix}{self._seen} steps - {elapsed:.1f}s - {per_step:.1f}ms/step"
                f"{' - ' + _format(logs) if logs else ''}")
        if not is_interactive_logging_enabled():
            LOGGER.info(line)
            return
        self.stream.write(f"{line}\n")
        self.stream.flush()

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._epoch_label = f"Epoch {epoch + 1}/{self.params.get('epochs', '?')}"
        self._start(self.params.get("steps"), self._epoch_label)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._advance(batch, logs)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._finish(f"{self._epoch_label} - ", logs)

    def on_test_begin(self, logs: dict | None = None) -> None:
        if self.params.get("mode") == "evaluate":
            self._start(self.params.get("steps"), "Evaluate")

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self.params.get("mode") == "evaluate":
            self._advance(batch, logs)

    def on_test_end(self, logs: dict | None = None) -> None:
        if self.params.get("mode") == "evaluate":
            self._finish("Evaluate - ", logs)

    def on_predict_begin(self, logs: dict | None = None) -> None:
        self._start(self.params.get("steps"), "Predict")

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._advance(batch, None)

    def on_predict_end(self, logs: dict | None = None) -> None:
        self._finish("Predict - ", None)
