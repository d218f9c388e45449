"""Lazy registration and device choice of the plaidml plugin."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import oneiros


def _python(code: str, **env: str) -> str:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PLAIDML_")}
    environment.pop("ONEIROS_PLAIDML_DEVICE", None)
    environment.update(env)
    return subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                          env=environment).stdout


def test_listing_plugins_imports_no_engine():
    loaded = _python("import sys, oneiros.cli as cli, contextlib, io\n"
                     "sys.argv = ['oneiros', 'plugins']\n"
                     "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit): cli.main()\n"
                     "print(sorted(m for m in sys.modules if m.split('.')[0] == 'plaidml'))")
    assert loaded.strip().splitlines()[-1] == "[]"


def test_plaidml_is_registered_without_instantiating():
    assert "plaidml" in oneiros.backend.available_backends()


def test_default_device_is_the_llvm_cpu_without_setup():
    code = ("import os, json, oneiros; b = oneiros.backend.get_backend('plaidml'); "
            "print(json.dumps([b.devices(), os.environ['PLAIDML_DEVICE_IDS'], os.environ['PLAIDML_EXPERIMENTAL']]))")
    devices, chosen, experimental = json.loads(_python(code).strip().splitlines()[-1])
    assert devices == ["llvm_cpu.0"] and chosen == "llvm_cpu.0" and experimental == "1"


def test_oneiros_plaidml_device_overrides_plaidml_settings():
    code = "import os, oneiros.backend as b; b.get_backend('plaidml'); print(os.environ['PLAIDML_DEVICE_IDS'])"
    chosen = _python(code, ONEIROS_PLAIDML_DEVICE="llvm_cpu.0", PLAIDML_DEVICE_IDS="opencl_missing.0")
    assert chosen.strip().splitlines()[-1] == "llvm_cpu.0"


def test_importing_the_plugin_module_sets_no_environment():
    code = "import os, oneiros_plaidml.plugin; print('PLAIDML_DEVICE_IDS' in os.environ)"
    assert _python(code).strip() == "False"


def test_float16_is_refused_with_the_reason():
    from oneiros import ops

    with oneiros.backend_scope("plaidml"):
        with pytest.raises(oneiros.errors.OpError, match="float16"):
            ops.convert_to_tensor([1.0], "float16")
