"""Shared plumbing of the benchmarks: one fresh process per contender, a table of ratios."""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.table import Table

TABLE_WIDTH = 120


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_epochs(run_epoch: Callable[[], None], samples: int, repeats: int) -> dict[str, float]:
    """Compile (first call) then ``repeats`` timed epochs; samples/second is their median, and so
    is the process CPU time per sample (all threads), which other processes' load inflates far
    less than wall-clock time."""
    started = time.perf_counter()
    run_epoch()
    compile_seconds = time.perf_counter() - started
    rates, cpu_per_sample = [], []
    for _ in range(repeats):
        started, cpu_started = time.perf_counter(), time.process_time()
        run_epoch()
        rates.append(samples / (time.perf_counter() - started))
        cpu_per_sample.append((time.process_time() - cpu_started) / samples)
    return {"samples_per_second": statistics.median(rates), "first_epoch_seconds": compile_seconds,
            "peak_rss_mib": peak_rss_mib(), "cpu_us_per_sample": round(1e6 * statistics.median(cpu_per_sample), 1)}


def run_contenders(script: str, contenders: list[str], extra_args: list[str],
                   rounds: int = 1) -> dict[str, dict[str, Any]]:
    """Runs ``script --worker NAME *extra_args`` for each contender, in ``rounds`` interleaved
    rounds; each contender keeps its best round, so a burst of load on a shared machine hurts all
    of them alike rather than whichever ran then."""
    results: dict[str, dict[str, Any]] = {}
    for _ in range(rounds):
        for name in contenders:
            result = run_worker(script, name, extra_args)
            if result.get("samples_per_second", 0) >= results.get(name, {}).get("samples_per_second", 0):
                results[name] = result
    return results


def run_worker(script: str, name: str, extra_args: list[str]) -> dict[str, Any]:
    """Runs ``script --worker NAME *extra_args`` in a fresh process; its last line of output is its JSON result."""
    env = {**os.environ, "KERAS_BACKEND": "jax"}
    completed = subprocess.run([sys.executable, script, "--worker", name, *extra_args],
                               capture_output=True, text=True, env=env)
    if completed.returncode != 0:
        lines = completed.stderr.strip().splitlines()
        return {"error": lines[-1] if lines else f"exit status {completed.returncode}"}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def print_table(title: str, results: dict[str, dict[str, Any]], *baselines: str,
                extra: dict[str, str] | None = None) -> None:
    """One row per contender, with its ratio to each of ``baselines`` (contender names); ``extra``
    maps more result keys to column headings (a contender without the key shows "-")."""
    extra = extra or {}
    table = Table(title=title)
    for column in ("contender", "samples/s", "first epoch s (compile)", "peak RSS MiB",
                   *(f"vs {baseline}" for baseline in baselines), *extra.values()):
        table.add_column(column)
    bases = [results.get(baseline, {}).get("samples_per_second") for baseline in baselines]
    for name, result in results.items():
        if "error" in result:
            table.add_row(name, "error: " + result["error"], "-", "-", *("-" for _ in (*baselines, *extra)))
            continue
        rate = result["samples_per_second"]
        table.add_row(name, f"{rate:,.0f}", f"{result['first_epoch_seconds']:.2f}", f"{result['peak_rss_mib']:.0f}",
                      *(f"{rate / base:.2f}x" if base else "-" for base in bases),
                      *(str(result.get(key, "-")) for key in extra))
    console().print(table)


def console() -> Console:
    """The terminal, or TABLE_WIDTH columns when piped: 80 would wrap every cell of a wide table."""
    terminal = Console()
    return terminal if terminal.is_terminal else Console(width=TABLE_WIDTH)
