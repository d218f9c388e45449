import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

import oneiros as oi
from oneiros.models import _pipeline


@pytest.fixture(autouse=True)
def jax_backend():
    with oi.backend_scope("jax") as backend:
        yield backend


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fresh ``$ONEIROS_HOME``: nothing remembered, an empty compilation cache."""
    monkeypatch.setenv("ONEIROS_HOME", str(tmp_path))
    monkeypatch.delenv("ONEIROS_REMEMBER_CHOICES", raising=False)
    return tmp_path


@pytest.fixture
def eager_search(monkeypatch):
    """The fusion search with its decisions forced, so tiny models exercise every path quickly:
    the 2-step probe, then one candidate of 4 steps, started whatever the planned training,
    timed as soon as it is compiled (the training loop waits for the compile).
    ``eager_search(adopt=...)`` makes the probe and candidate pass or fail whatever the timings."""
    monkeypatch.setattr(_pipeline, "FUSION_CANDIDATES", (4,))
    monkeypatch.setattr(_pipeline, "PAYBACK", 0.0)
    monkeypatch.setattr(_pipeline._BackgroundCompile, "finished",
                        property(lambda compile: compile._finished.wait() or True))

    def force(adopt: bool) -> None:
        monkeypatch.setattr(_pipeline, "FIRST_CALL_DROP_RATIO", float("inf") if adopt else 0.0)
        monkeypatch.setattr(_pipeline, "DROP_RATIO", float("inf"))
        monkeypatch.setattr(_pipeline, "REQUIRED_GAIN", float("inf") if adopt else 0.0)

    return force


PROGRAM = Path(__file__).with_name("_program.py")


@pytest.fixture(scope="session")
def program() -> ModuleType:
    """``_program.py``, the training program the tests run here and in fresh processes."""
    spec = importlib.util.spec_from_file_location("oneiros_first_result_program", PROGRAM)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
