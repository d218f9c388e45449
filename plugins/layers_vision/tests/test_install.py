"""``pip install ./plugins/layers_vision`` into a fresh venv holding only the core and the jax
backend adds the vision layers; ``pip uninstall`` removes them and changes nothing else.

The venv is real (no system site-packages); the third-party packages the core, the jax backend and
Pillow need are linked in from this environment (no index is ever contacted), and the three
oneiros distributions are built as wheels from copies of their sources.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]
OURS = {"oneiros", "oneiros-jax", "oneiros-vision"}
IGNORED = shutil.ignore_patterns("build", "*.egg-info", "__pycache__", "tests")


def third_party_closure(*names: str) -> set[str]:
    """Every distribution the named ones need (markers evaluated, extras off), ours excluded."""
    needed, todo = set(), list(names)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in needed:
            continue
        needed.add(name)
        for text in importlib.metadata.distribution(name).requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return needed - OURS


def link_distributions(names: set[str], folder: Path) -> None:
    """Symlinks each distribution's top-level packages, modules and metadata into ``folder``."""
    folder.mkdir()
    for name in names:
        distribution = importlib.metadata.distribution(name)
        base = Path(distribution.locate_file(""))
        for top in {Path(str(file)).parts[0] for file in distribution.files or []}:
            if top != ".." and not (folder / top).exists() and (base / top).exists():
                (folder / top).symlink_to(base / top)


@pytest.fixture(scope="module")
def environment(tmp_path_factory):
    """(python of the fresh venv, the folder of built wheels, a subprocess environment)."""
    work = tmp_path_factory.mktemp("install")
    sources = work / "sources"
    shutil.copytree(ROOT / "core", sources / "oneiros" / "core", ignore=IGNORED)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, sources / "oneiros" / name)
    for plugin in ("backend_jax", "layers_vision"):
        shutil.copytree(ROOT / "plugins" / plugin, sources / plugin, ignore=IGNORED)
    wheels = work / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--no-index", "-w", str(wheels), *(str(sources / n) for n in ("oneiros", "backend_jax",
                                                                                   "layers_vision"))],
                   check=True, capture_output=True)
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               check=True, capture_output=True, text=True).stdout.strip())
    link_distributions(third_party_closure("oneiros", "oneiros-jax", "pillow"), work / "third_party")
    (site / "third_party.pth").write_text(str(work / "third_party") + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ONEIROS_", "PYTHON"))}
    env.update(PYTHONNOUSERSITE="1", ONEIROS_HOME=str(work / "home"))
    return python, wheels, env


def pip(environment, *arguments):
    python, _, env = environment
    return subprocess.run([sys.executable, "-m", "pip", "--python", str(python), *arguments], check=True,
                          capture_output=True, text=True, env=env)


def run(environment, code):
    python, _, env = environment
    result = subprocess.run([str(python), "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def plugin_rows(environment):
    """``oneiros plugins --json`` by plugin name, without the (timing-dependent) import times."""
    python, _, env = environment
    result = subprocess.run([str(python), "-m", "oneiros.cli", "plugins", "--json"], capture_output=True,
                            text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    return {row["plugin"]: {key: value for key, value in row.items() if key != "import_ms"}
            for row in json.loads(result.stdout)}


LAYER_CHECK = """
    import json, sys
    import numpy as np
    import oneiros as oi
    assert "site-packages" in oi.__file__, oi.__file__
    try:
        conv = oi.layers.get("Conv2D")
    except oi.errors.OneirosError as exc:
        print(json.dumps({"error": type(exc).__name__}))
        sys.exit()
    with oi.backend_scope("jax"):
        y = conv(2, 3)(np.ones((1, 5, 5, 1), "float32"))
    print(json.dumps({"module": conv.__module__, "file": sys.modules[conv.__module__].__file__,
                      "shape": list(y.shape)}))
"""


def test_install_then_uninstall_the_vision_plugin(environment):
    _, wheels, _ = environment
    pip(environment, "install", "--quiet", "--no-deps", "--no-index", *map(str, sorted(wheels.glob("oneiros-*.whl"))),
        *map(str, wheels.glob("oneiros_jax-*.whl")))
    before = plugin_rows(environment)
    assert before["core"]["status"] == "loaded" and before["jax"]["status"] == "loaded"
    assert before.get("vision", {}).get("status", "not installed") == "not installed"
    assert json.loads(run(environment, LAYER_CHECK)) == {"error": "UnknownNameError"}

    pip(environment, "install", "--quiet", "--no-deps", "--no-index", str(next(wheels.glob("oneiros_vision-*.whl"))))
    installed = plugin_rows(environment)
    vision = installed["vision"]
    assert (vision["status"], vision["distribution"]) == ("loaded", "oneiros-vision")
    assert vision["registered"] == {"layers": 89, "data_loaders": 3}
    used = json.loads(run(environment, LAYER_CHECK))
    assert used["module"] == "oneiros_vision.layers.conv2d" and "site-packages" in used["file"]
    assert used["shape"] == [1, 3, 3, 2]

    pip(environment, "uninstall", "--yes", "oneiros-vision")
    assert plugin_rows(environment) == before
    assert json.loads(run(environment, LAYER_CHECK)) == {"error": "UnknownNameError"}
