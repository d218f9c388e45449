"""Choosing the backend: ONEIROS_BACKEND, the config file, set_backend, and the default."""

import json
import os
import subprocess
import sys

import pytest

import oneiros as oi
from oneiros.errors import CapabilityError, UnknownNameError


def active_backend(tmp_path, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ONEIROS_")}
    environment["ONEIROS_HOME"] = str(tmp_path)
    environment.update(env)
    result = subprocess.run([sys.executable, "-c", "import oneiros; print(oneiros.get_backend().name)"],
                            capture_output=True, text=True, env=environment, timeout=120)
    return result.stdout.strip(), result.stderr


def test_default_is_jax_when_installed(tmp_path):
    assert active_backend(tmp_path)[0] == "jax"


def test_environment_variable_wins(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"backend": "jax"}))
    assert active_backend(tmp_path, ONEIROS_BACKEND="numpy")[0] == "numpy"


def test_config_file_is_read(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"backend": "numpy"}))
    assert active_backend(tmp_path)[0] == "numpy"


def test_a_broken_config_file_is_named_in_the_error(tmp_path):
    (tmp_path / "config.json").write_text("{not json")
    output, errors = active_backend(tmp_path)
    assert output == ""
    assert str(tmp_path / "config.json") in errors and "Cannot read the Oneiros config file" in errors


def test_set_backend_and_scope():
    previous = oi.get_backend()
    with oi.backend_scope("numpy") as backend:
        assert oi.get_backend() is backend and backend.name == "numpy"
        assert type(oi.ops.zeros((2,))).__module__ == "numpy"
    assert oi.get_backend() is previous


def test_unknown_backend_lists_close_matches():
    with pytest.raises(UnknownNameError, match="Did you mean: jax"):
        oi.set_backend("jaxx")


def test_missing_capability_names_backend_and_capability():
    with pytest.raises(CapabilityError, match="'numpy' does not support 'trainable'"):
        oi.get_backend("numpy").value_and_grad(lambda p: p)
