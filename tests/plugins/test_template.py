"""The template plugin installs on its own, is discovered, and its own tests pass."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

TEMPLATE = Path(__file__).resolve().parents[2] / "examples" / "plugin_template"


@pytest.mark.slow
def test_template_installs_and_its_tests_pass(tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-index", "--target", str(target), str(TEMPLATE)],
        check=True, capture_output=True,
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ONEIROS_")}
    environment["PYTHONPATH"] = str(target)
    listed = subprocess.run(
        [sys.executable, "-m", "oneiros.cli", "plugins", "--json"],
        capture_output=True, text=True, env=environment, check=True,
    )
    assert '"distribution": "oneiros-gated"' in listed.stdout
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(TEMPLATE / "tests")],
        capture_output=True, text=True, env=environment, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout
