"""Starting the worker scripts: fresh processes with a fixed number of CPU devices and a deadline."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

HERE = Path(__file__).parent
DEADLINE_SECONDS = 180


def _environment(devices: int, variables: dict[str, str]) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("ONEIROS_")}
    environment.update(XLA_FLAGS=f"--xla_force_host_platform_device_count={devices}", JAX_PLATFORMS="cpu",
                       **variables)
    return environment


def _run(script: str, output: Path, devices: int, per_process: list[dict[str, str]]) -> None:
    """One process per entry of ``per_process``; all must exit 0 before the deadline, else all are killed."""
    started = [subprocess.Popen([sys.executable, str(HERE / script), str(output)],
                                env=_environment(devices, variables), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
               for variables in per_process]
    deadline = time.monotonic() + DEADLINE_SECONDS
    logs = []
    try:
        for process in started:
            logs.append(process.communicate(timeout=max(1.0, deadline - time.monotonic()))[0])
    except subprocess.TimeoutExpired:
        raise AssertionError(f"{script} did not finish within {DEADLINE_SECONDS} s") from None
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()
                process.wait()
    failed = [(index, log) for index, (process, log) in enumerate(zip(started, logs)) if process.returncode]
    assert not failed, "\n".join(f"worker {index} failed:\n{log[-4000:]}" for index, log in failed)


@pytest.fixture(scope="module")
def run_workers() -> Callable[..., None]:
    return _run


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def coordinator_address() -> str:
    return f"127.0.0.1:{free_port()}"


@pytest.fixture(scope="module")
def replay_sgd():
    folder = str(Path(__file__).parent)  # the helper module sits beside this file, not on the path
    if folder not in sys.path:
        sys.path.insert(0, folder)
    from _distribution_models import replay_sgd

    return replay_sgd
