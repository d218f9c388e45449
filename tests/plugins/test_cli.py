"""The `oneiros` command: backends and doctor (plugins is covered with real distributions)."""

import json
import subprocess
import sys


def oneiros(*args):
    return subprocess.run([sys.executable, "-m", "oneiros.cli", *args], capture_output=True, text=True,
                          timeout=300)


def test_backends_lists_devices_and_capabilities():
    result = oneiros("backends", "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["backend"]: row for row in json.loads(result.stdout)}
    assert rows["numpy"]["capabilities"] == [] and rows["numpy"]["status"] == "ok"
    assert {"trainable", "jit"} <= set(rows["jax"]["capabilities"])
    assert any("cpu" in device.lower() for device in rows["jax"]["devices"])


def test_doctor_runs_a_smoke_check_on_every_backend():
    result = oneiros("doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "forward ok (inference only)" in result.stdout
    assert "forward and gradient ok" in result.stdout


def test_unknown_command_is_an_error():
    result = oneiros("plugin")
    assert result.returncode != 0 and "No such command 'plugin'" in result.stderr
