"""Ctrl-C during fit leaves the model at a completed step: usable, finite, saveable, trainable.

Real SIGINTs at seeded random moments (the first ones during the first compile) hit a real fit in
a subprocess; the worker then checks its weights, predicts, round-trips a file and trains again.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import weakref
from pathlib import Path

import pytest

from oneiros.models._interrupts import StepGuard

ROUNDS = 24
WORKER = Path(__file__).with_name("_interrupted_fit_worker.py")


@pytest.mark.slow
def test_repeated_interrupts_never_destroy_the_model(tmp_path):
    pacing = random.Random(20261206)
    process = subprocess.Popen([sys.executable, str(WORKER), str(ROUNDS), str(tmp_path / "m.oneiros")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "ONEIROS_BACKEND": "jax"})
    try:
        assert process.stdout.readline().strip() == "ready"
        for attempt in range(ROUNDS):
            time.sleep(pacing.uniform(0.0, 0.05) if attempt < 4 else pacing.uniform(0.01, 0.4))
            process.send_signal(signal.SIGINT)
            assert process.stdout.readline().strip() == f"interrupted {attempt}"
        output, errors = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 0, errors[-3000:]
    assert output.strip().endswith("whole")


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
