"""Cached virtual environments for the original Keras 2.2.4 systems, which need numpy < 1.24.

Created on first use under ``$ONEIROS_BENCH_CACHE`` (default ``~/.cache/oneiros-bench``) and
reused afterwards. Keras 2.2.4 imports ``Iterable``, ``Mapping``... from ``collections``, which
Python 3.10 removed: a ``sitecustomize.py`` in the venv puts them back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

KERAS2_PACKAGES = ["numpy<1.24", "scipy<1.11", "h5py<3.12", "pyyaml", "six", "keras_applications==1.0.8",
                   "keras_preprocessing==1.1.2", "rich"]
"""Keras 2.2.4's dependencies (and rich, for the benchmarks' shared harness)."""

COLLECTIONS_SHIM = ("import collections, collections.abc\n"
                    "for _name in ('Iterable', 'Mapping', 'MutableMapping', 'Sequence', 'Callable'):\n"
                    "    setattr(collections, _name, getattr(collections.abc, _name))\n")


def legacy_python(name: str, packages: list[str], no_deps: list[str]) -> Path:
    """The interpreter of the cached venv ``name``: ``packages`` installed with their dependencies,
    then ``no_deps`` without (for releases whose declared dependencies break Python 3)."""
    root = Path(os.environ.get("ONEIROS_BENCH_CACHE", Path.home() / ".cache" / "oneiros-bench")) / name
    python = root / "bin" / "python"
    marker = root / "ready"
    if marker.exists():
        return python
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(root)], check=True)
    pip = [str(python), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, *packages], check=True)
    if no_deps:
        subprocess.run([*pip, "--no-deps", *no_deps], check=True)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "sitecustomize.py").write_text(COLLECTIONS_SHIM)
    marker.write_text("ok\n")
    return python


def run_worker_in(python: str | Path, script: str, arguments: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Runs ``python script *arguments`` in a fresh process; its last line of output is its JSON
    result, or ``{"error": last line of stderr}`` when it fails."""
    completed = subprocess.run([str(python), script, *arguments], capture_output=True, text=True, env=env)
    if completed.returncode != 0:
        lines = completed.stderr.strip().splitlines()
        return {"error": lines[-1] if lines else f"exit status {completed.returncode}"}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def best_of_rounds(run: Callable[[str], dict[str, Any]], contenders: list[str] | tuple[str, ...],
                   rounds: int) -> dict[str, dict[str, Any]]:
    """``run(contender)`` for every contender in ``rounds`` interleaved rounds; each keeps its best."""
    results: dict[str, dict[str, Any]] = {}
    for _ in range(rounds):
        for contender in contenders:
            result = run(contender)
            if result.get("samples_per_second", 0) >= results.get(contender, {}).get("samples_per_second", 0):
                results[contender] = result
    return results
