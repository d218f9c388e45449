"""The C linker's setup, each in a fresh process (PyTensor fixes its compiledir and BLAS flags
for the life of a process): modules compile under ``$ONEIROS_HOME``, and a BLAS that does not
link turns jit back to perform with a warning that names the flags."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def _run(code: str, home: Path) -> dict:
    environment = {key: value for key, value in os.environ.items() if key != "PYTENSOR_FLAGS"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                            env={**environment, "ONEIROS_HOME": str(home)})
    assert result.returncode == 0, result.stderr
    return {"stderr": result.stderr, **json.loads(result.stdout.strip().splitlines()[-1])}


def test_compiled_modules_go_under_oneiros_home(tmp_path):
    outcome = _run("import json, pytensor, oneiros\noneiros.backend.get_backend('pytensor')\n"
                   "print(json.dumps({'compiledir': str(pytensor.config.compiledir)}))", tmp_path)
    assert Path(outcome["compiledir"]).parent == tmp_path / "cache" / "pytensor"


def test_a_blas_that_does_not_link_falls_back_to_perform(tmp_path):
    outcome = _run("import json, oneiros\noneiros.backend.get_backend('pytensor')\n"
                   "from oneiros_pytensor import _linker\n_linker.BLAS_FLAGS = '-lno_such_blas_library'\n"
                   "print(json.dumps({'mode': repr(_linker.compile_mode('c'))}))", tmp_path)
    assert outcome["mode"] == "None"
    assert "no BLAS links with -lno_such_blas_library" in outcome["stderr"]
