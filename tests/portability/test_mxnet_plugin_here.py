"""In this environment (numpy 2) the MXNet plugin is listed as not installed, and installing it
fails at install time: its declared ``numpy<1.24`` cannot be met next to numpy 2.

The install check runs pip's resolver offline (``--dry-run --no-index``) on a copy of the
plugin's project, asking it to keep this environment's numpy, as ``pip install`` does for the
packages already installed that depend on it (jax here). pip answers ResolutionImpossible and
names both requirements. (Without ``numpy==`` on the command line, an online pip would instead
try to downgrade numpy, and only warn afterwards that jax now has an incompatible numpy.)
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

PLUGIN = Path(__file__).resolve().parents[2] / "plugins" / "backend_mxnet"


def test_oneiros_plugins_shows_mxnet_as_not_installed():
    result = subprocess.run([sys.executable, "-m", "oneiros.cli", "plugins", "--json"], capture_output=True,
                            text=True, check=True)
    mxnet = [record for record in json.loads(result.stdout) if record["plugin"] == "mxnet"]
    assert mxnet and mxnet[0]["status"] == "not installed", mxnet
    assert mxnet[0]["distribution"] == "oneiros-mxnet"


def test_installing_the_plugin_next_to_numpy_2_fails_at_install_time(tmp_path):
    project = tmp_path / "backend_mxnet"
    project.mkdir()
    shutil.copy(PLUGIN / "pyproject.toml", project)
    shutil.copytree(PLUGIN / "oneiros_mxnet", project / "oneiros_mxnet",
                    ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "--no-build-isolation",
         "--disable-pip-version-check", str(project), f"numpy=={np.__version__}"],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert result.returncode != 0
    assert "ResolutionImpossible" in result.stderr
    assert "oneiros-mxnet 0.1.0 depends on numpy<1.24" in result.stdout + result.stderr
    assert f"numpy=={np.__version__}" in result.stdout + result.stderr
