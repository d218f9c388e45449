"""Start-up cost: `import oneiros` + plugin discovery vs `import keras`, in fresh processes.

Run: .venv/bin/python benchmarks/import_time.py [--repeats 10]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys

from rich.console import Console
from rich.table import Table

CASES = {
    "import oneiros + plugin discovery": (
        "import oneiros\n"
        "from oneiros._plugins import host\n"
        "records = host().plugin_records()"
    ),
    "import oneiros + plugin discovery + numpy": (
        "import oneiros\n"
        "from oneiros._plugins import host\n"
        "records = host().plugin_records()\n"
        "import numpy"
    ),
    "import keras (KERAS_BACKEND=jax)": "import keras",
    "import jax, optax": "import jax, optax",
}
PROBE = """
import time, resource
started, cpu_started = time.perf_counter(), time.process_time()
{code}
elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
print(elapsed, cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def measure(code: str, repeats: int) -> tuple[float, float, float]:
    seconds, cpu_seconds, peaks = [], [], []
    for _ in range(repeats):
        result = subprocess.run(
            [sys.executable, "-c", PROBE.format(code=code)],
            capture_output=True, text=True, check=True, env={"KERAS_BACKEND": "jax", "PATH": ""},
        )
        elapsed, cpu, peak_kib = result.stdout.split()
        seconds.append(float(elapsed))
        cpu_seconds.append(float(cpu))
        peaks.append(float(peak_kib) / 1024)
    return statistics.median(seconds), statistics.median(cpu_seconds), statistics.median(peaks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    table = Table(title=f"Import time, median of {args.repeats} fresh processes (CPU time is robust to a busy machine)")
    for column in ("what", "median wall ms", "median CPU ms", "peak RSS MiB", "vs oneiros (wall)"):
        table.add_column(column)
    baseline = None
    for label, code in CASES.items():
        module = code.split()[1].rstrip(",")
        if importlib.util.find_spec(module) is None:
            table.add_row(label, "not installed", "-", "-", "-")
            continue
        seconds, cpu, peak = measure(code, args.repeats)
        baseline = baseline or seconds
        table.add_row(label, f"{seconds * 1000:.1f}", f"{cpu * 1000:.1f}", f"{peak:.0f}", f"{seconds / baseline:.2f}x")
    Console().print(table)


if __name__ == "__main__":
    main()
