"""Per-call overhead of `oneiros.ops` on the JAX backend vs calling jax.numpy directly.

Eager: the median over repeats of a timeit loop of each small op, both sides waiting for the
result. Jitted: the same function written with `oneiros.ops` and with jax.numpy is lowered
(`jax.jit(f).lower(...).as_text()`); the StableHLO must be identical once location metadata is
stripped. Exits 1 when any program differs. relu's direct counterpart is jax.nn.relu (jax.numpy
has none).

Run: .venv/bin/python benchmarks/ops_overhead.py [--repeats 11] [--seconds 0.1]
"""

from __future__ import annotations

import argparse
import difflib
import re
import statistics
import sys
import timeit
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import oneiros
from oneiros import ops
from rich.console import Console
from rich.table import Table

_LOCATION = re.compile(r"\s*loc\((?:[^()]|\([^()]*\))*\)|^#loc.*$", re.MULTILINE)


@dataclass(frozen=True)
class Case:
    name: str
    with_oneiros: Callable[..., Any]
    with_jax: Callable[..., Any]
    arguments: tuple[Any, ...]


def _cases() -> list[Case]:
    vector = jnp.asarray(np.linspace(-1, 1, 8), dtype=jnp.float32)
    matrix = jnp.asarray(np.linspace(-1, 1, 64).reshape(8, 8), dtype=jnp.float32)
    return [
        Case("add (8,) f32", ops.add, jnp.add, (vector, vector)),
        Case("matmul (8,8) f32", ops.matmul, jnp.matmul, (matrix, matrix)),
        Case("relu (8,) f32", ops.relu, jax.nn.relu, (vector,)),
        Case("sum (8,8) f32", ops.sum, jnp.sum, (matrix,)),
        Case(
            "dense layer (8,8) f32",
            lambda x, w: ops.sum(ops.relu(ops.add(ops.matmul(x, w), 1.0))),
            lambda x, w: jnp.sum(jax.nn.relu(jnp.add(jnp.matmul(x, w), 1.0))),
            (matrix, matrix),
        ),
    ]


def _timer(fn: Callable[..., Any], arguments: tuple[Any, ...]) -> timeit.Timer:
    def call() -> None:
        fn(*arguments).block_until_ready()

    return timeit.Timer(call)


def _per_call_seconds(case: Case, repeats: int, seconds: float) -> tuple[float, float]:
    """Median seconds per call of (oneiros.ops, jax.numpy).

    The two sides' loops are interleaved so that load from other processes hits both alike.
    """
    ours, theirs = _timer(case.with_oneiros, case.arguments), _timer(case.with_jax, case.arguments)
    number, elapsed = theirs.autorange()
    number = max(1, int(number * seconds / elapsed))
    samples = [(ours.timeit(number), theirs.timeit(number)) for _ in range(repeats)]
    return tuple(statistics.median(side) / number for side in zip(*samples))


def _named_program(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` under one fixed name, so both lowered modules are called the same."""

    def program(*arguments: Any) -> Any:
        return fn(*arguments)

    return program


def _hlo(fn: Callable[..., Any], arguments: tuple[Any, ...]) -> list[str]:
    text = jax.jit(_named_program(fn)).lower(*arguments).as_text()
    return [line.rstrip() for line in _LOCATION.sub("", text).splitlines() if line.strip()]


def _hlo_differences(case: Case) -> int:
    """Lines that differ between the two lowered programs (0: identical)."""
    theirs, ours = _hlo(case.with_jax, case.arguments), _hlo(case.with_oneiros, case.arguments)
    diff = difflib.unified_diff(theirs, ours, n=0)
    return sum(1 for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---")))


def _row(case: Case, repeats: int, seconds: float) -> tuple[list[str], bool]:
    for fn in (case.with_oneiros, case.with_jax):
        fn(*case.arguments).block_until_ready()
    ours, theirs = (per_call * 1e6 for per_call in _per_call_seconds(case, repeats, seconds))
    differences = _hlo_differences(case)
    verdict = "identical" if differences == 0 else f"[red]{differences} lines differ[/red]"
    timings = [f"{ours:.1f}", f"{theirs:.1f}", f"{ours - theirs:+.1f}", f"{ours / theirs:.2f}×"]
    return [case.name, *timings, verdict], differences == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=11, help="timeit repeats (the median is reported)")
    parser.add_argument("--seconds", type=float, default=0.1, help="length of one timeit loop, roughly")
    args = parser.parse_args(argv)

    oneiros.set_backend("jax")
    device = jax.devices()[0].device_kind
    table = Table(title=f"oneiros.ops vs jax.numpy, eager and jitted: jax {jax.__version__} on {device}")
    for column in ("op", "oneiros.ops µs/call", "jax.numpy µs/call", "overhead µs", "ratio", "jit HLO"):
        table.add_column(column, justify="left" if column == "op" else "right")
    all_identical = True
    for case in _cases():
        cells, identical = _row(case, args.repeats, args.seconds)
        table.add_row(*cells)
        all_identical &= identical

    console = Console(width=120)
    console.print(table)
    console.print("jit HLO: " + ("identical for every op" if all_identical else "[red]NOT identical[/red]"))
    return 0 if all_identical else 1


if __name__ == "__main__":
    sys.exit(main())
