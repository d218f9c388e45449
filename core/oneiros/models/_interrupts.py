"""Ctrl-C during training: taken once a step's result is stored, never between call and store."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any


class StepGuard:
    """Holds back SIGINT that arrives while a step runs, and delivers it right after the step.

    A compiled step may consume (donate) the buffers of the state it receives. An interrupt
    landing after the call returned but before its result was stored would leave the loop holding
    only consumed buffers, and the model unusable. Outside steps, SIGINT acts at once; but Python
    runs the handler wherever the main thread is, and a KeyboardInterrupt raised inside a
    weakref or garbage-collection callback is printed and dropped ("Exception ignored in"). So
    an interrupt raised here that the loop survived is raised again when the next step begins.
    Only the main thread receives signals, so elsewhere the guard does nothing.

    Example::

        with StepGuard() as guard:
            for batch in batches:
                with guard.step():
                    state = train_step(state, batch)
    """

    def __init__(self) -> None:
        self._previous: Any = None
        self._installed = False
        self._in_step = False
        self._pending: tuple[int, FrameType | None] | None = None
        self._raised = False

    def __enter__(self) -> StepGuard:
        if threading.current_thread() is threading.main_thread():
            previous = signal.getsignal(signal.SIGINT)
            if previous not in (signal.SIG_IGN, None):
                self._previous = previous
                signal.signal(signal.SIGINT, self._receive)
                self._installed = True
        return self

    def __exit__(self, *exc_info: Any) -> None:
        if self._installed:
            signal.signal(signal.SIGINT, self._previous)
            self._installed = False

    @contextmanager
    def step(self) -> Iterator[None]:
        """The block is one step: an interrupt inside it is delivered when the block ends."""
        if self._raised:
            self._raised = False
            raise KeyboardInterrupt("an earlier interrupt was swallowed by a callback; raised before the next step")
        self._in_step = True
        try:
            yield
        finally:
            self._in_step = False
            if self._pending is not None:
                signum, frame = self._pending
                self._pending = None
                self._deliver(signum, frame)

    def _receive(self, signum: int, frame: FrameType | None) -> None:
        if self._in_step:
            self._pending = (signum, frame)
        else:
            self._deliver(signum, frame)

    def _deliver(self, signum: int, frame: FrameType | None) -> None:
        if callable(self._previous) and self._previous is not signal.default_int_handler:
            self._previous(signum, frame)
            return
        self._raised = True
        raise KeyboardInterrupt
