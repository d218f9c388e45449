"""Ctrl-C during fit leaves the model at a completed step: usable, finite, saveable, trainable.

Real SIGINTs at seeded random moments (the first ones during the first compile) hit a real fit in
a subprocess; the worker then checks its weights, predicts, round-trips a file and trains again.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path

import pytest

from oneiros.models._interrupts import StepGuard

ROUNDS = 24
ANSWER_SECONDS = 60
WORKER = Path(__file__).with_name("_interrupted_fit_worker.py")


@pytest.mark.slow
def test_repeated_interrupts_never_destroy_the_model(tmp_path):
    pacing = random.Random(20261206)
    process = subprocess.Popen([sys.executable, str(WORKER), str(ROUNDS), str(tmp_path / "m.oneiros")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "ONEIROS_BACKEND": "jax"})
    lines: queue.Queue = queue.Queue()
    errors: list[str] = []
    readers = [threading.Thread(target=lambda: [lines.put(line.strip()) for line in process.stdout], daemon=True),
               threading.Thread(target=lambda: errors.extend(process.stderr), daemon=True)]
    for reader in readers:
        reader.start()

    def next_line(what: str) -> str:
        try:
            return lines.get(timeout=ANSWER_SECONDS)
        except queue.Empty:
            process.send_signal(signal.SIGABRT)  # the worker's faulthandler prints every thread's stack
            process.wait(timeout=30)
            readers[1].join(timeout=30)
            raise AssertionError(f"no {what} within {ANSWER_SECONDS} s; the worker was at:\n"
                                 f"{''.join(errors)[-6000:]}") from None

    try:
        assert next_line("'ready'") == "ready"
        for attempt in range(ROUNDS):
            time.sleep(pacing.uniform(0.0, 0.05) if attempt < 4 else pacing.uniform(0.01, 0.4))
            process.send_signal(signal.SIGINT)
            assert next_line(f"answer to interrupt {attempt}") == f"interrupted {attempt}"
        process.wait(timeout=120)
        for reader in readers:
            reader.join(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, "".join(errors)[-3000:]
    assert [lines.get() for _ in range(lines.qsize())][-1:] == ["whole"]


@pytest.fixture()
def python_handles_sigint():
    """Python's own SIGINT handler for the test: a run started in the background (``nohup make
    test &``) inherits SIGINT ignored, and Python then installs none."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.mark.usefixtures("python_handles_sigint")
def test_an_interrupt_inside_a_step_is_delivered_after_it():
    stored = []
    with StepGuard() as guard:
        with pytest.raises(KeyboardInterrupt):
            with guard.step():
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.05)  # the handler runs here, but the step goes on
                stored.append("result")
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
    assert stored == ["result"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


@pytest.mark.usefixtures("python_handles_sigint")
def test_an_interrupt_swallowed_by_a_weakref_callback_is_raised_before_the_next_step():
    class Owner:
        pass

    steps = []
    with StepGuard() as guard:
        owner = Owner()
        # Python drops exceptions raised in weakref callbacks, as a real interrupt landing in a
        # garbage-collection callback between two steps was seen to be dropped.
        watcher = weakref.ref(owner, lambda _: os.kill(os.getpid(), signal.SIGINT))
        del owner
        time.sleep(0.05)
        assert watcher() is None
        with pytest.raises(KeyboardInterrupt, match="swallowed"):
            with guard.step():
                steps.append("ran")
    assert steps == []
