"""Progbar: Keras's text progress bar for custom loops."""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Iterable
from typing import Any

import numpy as np

VERBOSITIES = (0, 1, 2)
BAR = "\u2501"
BOLD, GREEN, GREY, RESET = "\x1b[1m", "\x1b[32m", "\x1b[37m", "\x1b[0m"


def format_value(value: float) -> str:
    """Keras's metric format: 4 decimals, or scientific notation at or below 1e-3 in magnitude."""
    return f"{value:.4f}" if abs(value) > 1e-3 else f"{value:.4e}"


def format_duration(seconds: float, unit_name: str) -> str:
    """`` 12ms/step``: the time per unit in s, ms or us, as Keras prints it."""
    if seconds >= 1 or seconds == 0:
        return f" {seconds:.0f}s/{unit_name}"
    if seconds >= 1e-3:
        return f" {seconds * 1e3:.0f}ms/{unit_name}"
    return f" {seconds * 1e6:.0f}us/{unit_name}"


class Progbar:
    """A progress bar for ``target`` steps (None: unknown), as ``keras.utils.Progbar``.

    ``update(current, values)`` moves to step ``current`` and records ``(name, value)`` pairs:
    a name in ``stateful_metrics`` shows its last value, any other the average over the steps so
    far (weighted by the steps each update covers); ``stateless_metrics`` instead lists the
    averaged names and shows every other one as given. ``add(n, values)`` advances by ``n``.
    ``verbose=1`` redraws one line (in place on a terminal or notebook, a new line otherwise) at
    most every ``interval`` seconds; ``verbose=2`` prints one line when the target is reached;
    ``verbose=0`` prints nothing.

    Example::

        bar = oi.utils.Progbar(target=len(batches), stateful_metrics=["lr"])
        for step, batch in enumerate(batches, 1):
            bar.update(step, values=[("loss", loss), ("lr", rate)])
    """

    def __init__(self, target: int | None, width: int = 20, verbose: int = 1, interval: float = 0.05,
                 stateful_metrics: Iterable[str] | None = None, stateless_metrics: Iterable[str] | None = None,
                 unit_name: str = "step"):
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError("Progbar: give `stateful_metrics` (the names shown as-is) or `stateless_metrics` (the "
                             "names averaged), not both.")
        if target is not None and (isinstance(target, bool) or not isinstance(target, int) or target < 0):
            raise ValueError(f"Progbar: argument `target` must be None or an int >= 0; received target={target!r}.")
        if isinstance(width, bool) or not isinstance(width, int) or width < 1:
            raise ValueError(f"Progbar: argument `width` must be a positive int; received width={width!r}.")
        if verbose not in VERBOSITIES:
            raise ValueError(f"Progbar: argument `verbose` must be 0, 1 or 2; received verbose={verbose!r}.")
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateful_metrics = None if stateless_metrics is not None else set(stateful_metrics or ())
        self.stateless_metrics = None if stateless_metrics is None else set(stateless_metrics)
        self._dynamic_display = bool(getattr(sys.stdout, "isatty", lambda: False)()) or "ipykernel" in sys.modules \
            or "PYCHARM_HOSTED" in os.environ
        self._seen_so_far = 0
        self._values: dict[str, list[Any]] = {}
        self._start = time.time()
        self._last_update = 0.0
        self._time_after_first_step: float | None = None
        self._previous_width = 0

    def update(self, current: int, values: Iterable[tuple[str, Any]] | None = None,
               finalize: bool | None = None) -> None:
        """Moves to step ``current``; ``finalize`` (default: ``current >= target``) ends the line."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for name, value in values or ():
            if self._averaged(name) and not finalize:
                steps = max(current - self._seen_so_far, 1)
                total, count = self._values.get(name, [0.0, 0])
                self._values[name] = [total + value * steps, count + steps]
            else:
                self._values[name] = [value, 1]
        self._seen_so_far = current
        now = time.time()
        per_unit = self._step_duration(current, now)
        if self.verbose == 1:
            if now - self._last_update < self.interval and not finalize:
                return
            self._write(self._live_line(current, now, per_unit, finalize))
        elif self.verbose == 2 and finalize and self.target:
            digits = int(math.log10(self.target)) + 1
            self._write(f"{current:{digits}d}/{self.target} - {now - self._start:.0f}s -"
                        f"{format_duration(per_unit, self.unit_name)}{self._metrics()}\n")
        self._last_update = now

    def add(self, n: int, values: Iterable[tuple[str, Any]] | None = None) -> None:
        """Advances by ``n`` steps."""
        self.update(self._seen_so_far + n, values)

    def _averaged(self, name: str) -> bool:
        if self.stateful_metrics is not None:
            return name not in self.stateful_metrics
        return name in self.stateless_metrics

    def _live_line(self, current: int, now: float, per_unit: float, finalize: bool) -> str:
        """Keras 3's line: bold counts, a green-on-grey bar, ETA or elapsed time, time per step, metrics."""
        prefix = "\b" * self._previous_width + "\r" if self._dynamic_display else "\n"
        if self.target:
            digits = int(math.log10(self.target)) + 1
            done = int(self.width * current / self.target)
            counts = f"{current:{digits}d}/{self.target}"
            bar = f"{BOLD}{counts}{RESET} " + (f"{GREEN}{BAR * done}{RESET}" if done > 0 else "")
            bar += f"{GREY}{BAR * (self.width - done)}{RESET}"
            visible = len(counts) + 1 + self.width
        else:
            bar = f"{current:7d}/Unknown"
            visible = len(bar)
        elapsed = format_eta(per_unit * (self.target - current)) if self.target and not finalize \
            else f"{now - self._start:.0f}s"
        info = f" {BOLD}{elapsed}{RESET}{format_duration(per_unit, self.unit_name)}{self._metrics()}"
        visible += len(info) - len(BOLD) - len(RESET)
        padding = " " * max(self._previous_width - visible, 0)
        self._previous_width = visible
        return prefix + bar + info + padding + ("\n" if finalize else "")

    def _metrics(self) -> str:
        parts = []
        for name, (total, count) in self._values.items():
            average = float(np.mean(total)) / max(1, count)
            parts.append(f" - {name}: {format_value(average)}")
        return "".join(parts)

    def _step_duration(self, current: int, now: float) -> float:
        """Seconds per step, leaving out the first step (compilation) once later steps exist."""
        if not current:
            return 0.0
        if self._time_after_first_step is not None and current > 1:
            duration = (now - self._time_after_first_step) / (current - 1)
        else:
            duration = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return duration

    @staticmethod
    def _write(message: str) -> None:
        from oneiros.utils._logging import print_msg

        print_msg(message, line_break=False)


def format_eta(seconds: float) -> str:
    """``h:mm:ss``, ``m:ss`` or ``Ns``, truncated to whole seconds as Keras prints an ETA."""
    whole = int(seconds)
    if seconds > 3600:
        return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
    if seconds > 60:
        return f"{whole // 60}:{whole % 60:02d}"
    return f"{whole}s"
