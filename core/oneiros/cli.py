"""The ``oneiros`` command line: ``plugins``, ``backends``, ``doctor`` and ``export``."""

from __future__ import annotations

import json
import sys
import time
import warnings
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from oneiros._version import __version__

FIRST_PARTY_PLUGINS = {
    "jax": "oneiros-jax",
    "onnx": "oneiros-onnx",
    "mxnet": "oneiros-mxnet",
    "vision": "oneiros-vision",
    "text": "oneiros-text",
}
NOT_INSTALLED = "not installed"


def _console() -> Console:
    return Console(soft_wrap=False, width=max(Console().width, 120))


def _plugin_rows() -> tuple[list[dict[str, Any]], list[str]]:
    """One row per plugin (the first-party ones not installed included) and every problem: failed
    plugins and control items that match no installed plugin."""
    from oneiros._plugins import host

    rows = host().describe()
    present = {row["plugin"] for row in rows}
    for name, distribution in FIRST_PARTY_PLUGINS.items():
        if name not in present:
            rows.append(
                {
                    "plugin": name,
                    "module": None,
                    "distribution": distribution,
                    "version": None,
                    "status": NOT_INSTALLED,
                    "reason": f"pip install {distribution}",
                    "import_ms": 0.0,
                    "registered": {},
                    "names": {},
                    "overrides": [],
                    "clashes": [],
                }
            )
    return rows, host().problems()


def _status_text(row: dict[str, Any]) -> str:
    if row["status"] in ("failed", "incompatible", "disabled") and row["reason"]:
        return f"{row['status']}: {row['reason']}"
    return row["status"]


def _names_text(row: dict[str, Any]) -> str:
    overrides = [f"overrides {o['kind'][:-1]} {o['name']} ({', '.join(o['replaces'])})" for o in row["overrides"]]
    clashes = [
        f"{c['kind'][:-1]} {c['name']} clashes with {', '.join(c['with'])}: "
        + (f"plain name means {c['plain_name_means']}" if c["plain_name_means"] else "ambiguous, qualify it")
        for c in row["clashes"]
    ]
    return "; ".join(overrides + clashes) or "-"


@click.group()
@click.version_option(__version__, prog_name="oneiros")
def main() -> None:
    """Oneiros: a Keras-style deep-learning library built from plugins."""


@main.command()
@click.option("--json", "as_json", is_flag=True,
              help="Print machine-readable JSON: each plugin's registered names per hook, overrides and clashes.")
@click.option("--check", is_flag=True,
              help="Exit with status 1 when any plugin failed, is incompatible, or a control names no plugin "
                   "(for CI; strict mode implies it).")
def plugins(as_json: bool, check: bool) -> None:
    """List plugins: distribution, version, status, import time, what each registers."""
    from oneiros._plugins import PluginWarning, host
    from oneiros.errors import PluginError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PluginWarning)  # the table and stderr below say it all
            rows, problems = _plugin_rows()
    except PluginError as exc:
        raise click.ClickException(str(exc)) from exc
    failed = [row["plugin"] for row in rows if row["status"] in ("failed", "incompatible")]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
    else:
        _print_plugin_table(rows)
    for problem in problems:
        click.echo(problem, err=True)
    if (check or host().controls.strict) and problems:
        click.echo(f"oneiros plugins --check: {len(failed)} plugin(s) failed ({', '.join(failed) or 'none'}), "
                   f"{len(problems) - len(failed)} control problem(s).", err=True)
        sys.exit(1)


def _print_plugin_table(rows: list[dict[str, Any]]) -> None:
    table = Table(title="Oneiros plugins")
    for column in ("plugin", "distribution", "version", "status", "import ms", "registers", "overrides / clashes"):
        table.add_column(column, overflow="fold")
    for row in rows:
        registers = ", ".join(f"{kind} {count}" for kind, count in sorted(row["registered"].items()))
        table.add_row(
            row["plugin"],
            row["distribution"] or "-",
            row["version"] or "-",
            _status_text(row),
            f"{row['import_ms']:.1f}",
            registers or "-",
            _names_text(row),
        )
    _console().print(table)


def _backend_rows() -> list[dict[str, Any]]:
    from oneiros._plugins import host
    from oneiros.backend import get_backend

    rows = []
    for entry in host().registry("backends").entries():
        row: dict[str, Any] = {"backend": entry.name, "plugin": entry.plugin}
        try:
            row.update(get_backend(entry.qualified_name).describe(), status="ok")
        except Exception as exc:  # one broken backend must not hide the others
            row.update(devices=[], capabilities=[], status=f"failed: {type(exc).__name__}: {exc}")
        row["backend"] = entry.name
        rows.append(row)
    return rows


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def backends(as_json: bool) -> None:
    """List installed backends with their devices and capabilities."""
    rows = _backend_rows()
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    table = Table(title="Oneiros backends")
    for column in ("backend", "plugin", "status", "devices", "capabilities"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            row["backend"],
            row["plugin"],
            row["status"],
            ", ".join(row["devices"]) or "-",
            ", ".join(row["capabilities"]) or "inference only",
        )
    _console().print(table)


def _smoke(backend_name: str) -> str:
    """A tiny dense forward pass (and a gradient where supported), checked against numpy."""
    import numpy as np

    from oneiros import backend_scope, ops

    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 3)).astype("float32")
    w = rng.normal(size=(3, 2)).astype("float32")
    expected = np.maximum(x @ w, 0)
    with backend_scope(backend_name) as backend:
        got = ops.to_numpy(ops.relu(ops.matmul(ops.convert_to_tensor(x), ops.convert_to_tensor(w))))
        if not np.allclose(got, expected, rtol=1e-5, atol=1e-5):
            raise AssertionError(f"relu(x @ w) differs from numpy by {np.abs(got - expected).max():.3g}")
        if "trainable" not in backend.capabilities:
            return "forward ok (inference only)"
        grad_fn = backend.value_and_grad(lambda weights: ops.sum(ops.matmul(ops.convert_to_tensor(x), weights)))
        _, grad = grad_fn(ops.convert_to_tensor(w))
        if not np.allclose(ops.to_numpy(grad), np.repeat(x.sum(0)[:, None], 2, axis=1), rtol=1e-5):
            raise AssertionError("gradient of sum(x @ w) differs from x.sum(0)")
    return "forward and gradient ok"


@main.command()
def doctor() -> None:
    """Run a tiny smoke test on every installed backend."""
    from oneiros._plugins import host

    failures = 0
    table = Table(title="Oneiros doctor")
    for column in ("backend", "result", "seconds"):
        table.add_column(column, overflow="fold")
    for entry in host().registry("backends").entries():
        started = time.perf_counter()
        try:
            result = _smoke(entry.qualified_name)
        except Exception as exc:
            failures += 1
            result = f"FAILED: {type(exc).__name__}: {exc}"
        table.add_row(entry.name, result, f"{time.perf_counter() - started:.2f}")
    problems = [r for r in host().plugin_records() if r.status in ("failed", "incompatible")]
    for record in problems:
        table.add_row(f"plugin {record.name}", f"{record.status}: {record.reason}", "-")
    _console().print(table)
    sys.exit(1 if failures else 0)


@main.command()
@click.argument("model_path", type=click.Path(exists=True, dir_okay=False))
@click.argument("output_path", type=click.Path(dir_okay=False), required=False)
@click.option("--format", "export_format", default=None,
              help="Exporter to use (default: the output file's suffix, e.g. onnx).")
@click.option("--web", "web_dir", type=click.Path(file_okay=False), default=None,
              help="Write DIR/model.onnx and DIR/model.json for a web page (the 'web' exporter).")
@click.option("--quantize", type=click.Choice(["int8", "float16"]), default=None,
              help="Fewer bits: int8 (static with --calibration, else dynamic) or float16.")
@click.option("--calibration", "calibration_path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="A .npy array of model inputs (a few hundred rows) to calibrate int8 on and measure agreement.")
def export(model_path: str, output_path: str | None, export_format: str | None, web_dir: str | None,
           quantize: str | None, calibration_path: str | None) -> None:
    """Export a saved .oneiros model for another runtime: `oneiros export m.oneiros m.onnx`, or
    `oneiros export --web DIR m.oneiros` for a browser page; `--quantize int8 --calibration X.npy`
    for an int8 model."""
    from oneiros.errors import OneirosError
    from oneiros.saving import load_model

    if (web_dir is None) == (output_path is None):
        raise click.UsageError("Give either OUTPUT_PATH or --web DIR.")
    if calibration_path is not None and quantize is None:
        raise click.UsageError("--calibration goes with --quantize int8 or float16.")
    options = {} if quantize is None else {"quantize": quantize, "calibration_data": calibration_path}
    try:
        model = load_model(model_path, compile=False)
        if web_dir is not None:
            written = model.export(web_dir, format="web", **options)
        else:
            written = model.export(output_path, format=export_format, **options)
    except (OneirosError, ValueError, OSError) as exc:  # a missing folder or a full disk: a message, no traceback
        raise click.ClickException(str(exc)) from None
    click.echo(f"Exported {model_path} to {written}.")


if __name__ == "__main__":
    main()
