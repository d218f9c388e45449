"""The template plugins (a layer package, a backend) install on their own, are discovered, and their
own tests pass (the backend's run the conformance kit)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.slow
@pytest.mark.parametrize(("template", "distribution", "passed"), [
    ("plugin_template", "oneiros-gated", 5),
    ("backend_template", "oneiros-counting", 2),
])
def test_template_installs_and_its_tests_pass(tmp_path, template, distribution, passed):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-index", "--target", str(target), str(EXAMPLES / template)],
        check=True, capture_output=True,
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ONEIROS_")}
    environment["PYTHONPATH"] = str(target)
    listed = subprocess.run(
        [sys.executable, "-m", "oneiros.cli", "plugins", "--json"],
        capture_output=True, text=True, env=environment, check=True,
    )
    assert f'"distribution": "{distribution}"' in listed.stdout
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLES / template / "tests")],
        capture_output=True, text=True, env=environment, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{passed} passed" in result.stdout
