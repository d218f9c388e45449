"""The conformance kit itself: it fails broken backends, honours exclusions and covers the contract.

Broken toy backends are registered in a pytest subprocess through a tiny plugin module (``-p``)
that calls ``oneiros._plugins.host().register_module`` before the kit collects.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from oneiros.ops import CONTRACT, OpSpec
from oneiros.testing.conformance._catalogue import (
    CASES,
    RANDOM_CHECKS,
    duplicate_ids,
    ops_without_checks,
    ops_without_gradient_checks,
)
from oneiros.testing.conformance._exclusions import ExclusionsError, parse_exclusions

TOY_PLUGIN = '''
import sys
import types
from pathlib import Path

import oneiros
from oneiros._plugins import host
from oneiros.backends.numpy_reference import NumpyBackend
from oneiros.ops import CONTRACT

EXCLUSIONS = {exclusions!r}


def _add_off_by_one(x1, x2):
    return NumpyBackend.ops.add(NumpyBackend.ops.add(x1, x2), 1)


class WrongAddBackend(NumpyBackend):
    name = "toy"
    ops = types.SimpleNamespace(**{{**{{name: getattr(NumpyBackend.ops, name) for name in CONTRACT if hasattr(NumpyBackend.ops, name)}},
                                    "add": _add_off_by_one}})
    conformance_exclusions = Path(EXCLUSIONS) if EXCLUSIONS else None


def _matmul_in_float64(x1, x2):
    return NumpyBackend.ops.matmul(x1, x2).astype("float64")


def _dtype_hiding_float64(x):
    name = NumpyBackend.ops.dtype(x)
    return "float32" if name == "float64" else name


class Float64LeakBackend(NumpyBackend):
    name = "toy_f64"
    ops = types.SimpleNamespace(**{{**{{name: getattr(NumpyBackend.ops, name) for name in CONTRACT if hasattr(NumpyBackend.ops, name)}},
                                    "matmul": _matmul_in_float64, "dtype": _dtype_hiding_float64}})


def _wrong_sin_gradient_backend():
    import jax
    import jax.numpy as jnp
    from oneiros_jax import ops as jax_ops
    from oneiros_jax.backend import JaxBackend

    @jax.custom_jvp
    def sin(x):
        return jnp.sin(x)

    @sin.defjvp
    def _sin_jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        return jnp.sin(x), 2.0 * jnp.cos(x) * t

    class WrongSinGradientBackend(JaxBackend):
        name = "toy_jax"
        ops = types.SimpleNamespace(**{{**{{name: getattr(jax_ops, name) for name in CONTRACT if hasattr(jax_ops, name)}}, "sin": sin}})

    return WrongSinGradientBackend()


@oneiros.hookimpl
def register_backends(register):
    register(WrongAddBackend, name="toy")
    register(Float64LeakBackend, name="toy_f64")
    register(_wrong_sin_gradient_backend, name="toy_jax")


host().register_module(sys.modules[__name__], "toy")
'''


def run_kit(tmp_path: Path, *args: str, exclusions: str | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    exclusions_path = None
    if exclusions is not None:
        exclusions_path = tmp_path / "toy-exclusions.txt"
        exclusions_path.write_text(textwrap.dedent(exclusions))
    (tmp_path / "toy_backend_plugin.py").write_text(
        TOY_PLUGIN.format(exclusions=str(exclusions_path) if exclusions_path else None))
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    environment.pop("ONEIROS_BACKEND", None)
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--pyargs", "oneiros.testing.conformance", "-p", "toy_backend_plugin",
         "-p", "no:cacheprovider", "-q", "-rfs", *args],
        cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=300,
    )


def test_a_wrong_add_fails_the_kit(tmp_path: Path) -> None:
    result = run_kit(tmp_path, "--oneiros-backend", "toy", "-k", "test_values and add")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAILED" in result.stdout and "test_values[add[float32-3x1-1x4]]" in result.stdout, result.stdout


def test_a_backend_leaking_float64_under_a_float32_dtype_fails_the_kit(tmp_path: Path) -> None:
    result = run_kit(tmp_path, "--oneiros-backend", "toy_f64", "-k", "test_values and matmul")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "matmul[2d], output leaf 0: dtype float64, reference dtype float32" in result.stdout, result.stdout


def test_without_the_option_the_default_backend_is_checked(tmp_path: Path) -> None:
    result = run_kit(tmp_path, "-k", "test_values and add", env={"ONEIROS_BACKEND": "toy"})
    assert result.returncode == 1, result.stdout + result.stderr
    assert "test_values[add[weak-float-left]]" in result.stdout, result.stdout
    assert "backend 'toy' declares no exclusions" in result.stdout


def test_the_numpy_reference_passes_against_itself(tmp_path: Path) -> None:
    result = run_kit(tmp_path, "--oneiros-backend", "numpy")
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr
    assert " passed" in result.stdout and "failed" not in result.stdout


def test_an_op_exclusion_skips_its_checks_and_is_printed(tmp_path: Path) -> None:
    exclusions = """\
        # the toy backend is wrong on purpose
        add: off by one on purpose
        """
    result = run_kit(tmp_path, "--oneiros-backend", "toy", "-k", "add", exclusions=exclusions)
    assert result.returncode == 0, result.stdout + result.stderr
    add_cases = [case for case in CASES if case.op == "add"]
    # values, jit and gradient checks of each case, the signature check and the bad-shapes check
    count = len(add_cases) + sum(case.jit for case in add_cases) + sum(bool(case.wrt) for case in add_cases) + 2
    assert "declares 1 exclusion(s)" in result.stdout, result.stdout
    assert f"add: off by one on purpose  [skipped {count} test(s)]" in result.stdout, result.stdout
    assert "excluded by backend 'toy' (toy-exclusions.txt:2): off by one on purpose" in result.stdout


def test_a_case_exclusion_skips_only_that_case(tmp_path: Path) -> None:
    exclusions = """\
        add[bool-bool]: bools are fine, but this is the one we skip
        no_such_op: stale entry
        """
    result = run_kit(tmp_path, "--oneiros-backend", "toy", "-k", "test_values and add", exclusions=exclusions)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "add[bool-bool]: bools are fine, but this is the one we skip  [skipped 1 test(s)]" in result.stdout
    assert "no_such_op: stale entry  [matched no selected test]" in result.stdout
    assert "FAILED" in result.stdout and "test_values[add[int8-uint8]]" in result.stdout
    assert "test_values[add[bool-bool]] -" not in result.stdout


def test_a_malformed_exclusions_file_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    result = run_kit(tmp_path, "--oneiros-backend", "toy", exclusions="# fine\nadd off by one\n")
    assert result.returncode == pytest.ExitCode.USAGE_ERROR, result.stdout + result.stderr
    assert "toy-exclusions.txt:2: no ':'" in result.stderr, result.stderr


def test_a_wrong_gradient_fails_the_kit(tmp_path: Path) -> None:
    pytest.importorskip("oneiros_jax", reason="the wrong-gradient toy backend is built on the JAX backend")
    # sin[ (not sinc[, whose derived definition calls the same wrong sin and fails with it)
    result = run_kit(tmp_path, "--oneiros-backend", "toy_jax", "-k", "test_gradient and (sin[ or sinh[)")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAILED" in result.stdout and "test_gradient[sin[float32]]" in result.stdout, result.stdout
    assert "1 failed" in result.stdout and "test_gradient[sinh[float32]]" not in result.stdout


def test_an_unknown_backend_is_a_usage_error(tmp_path: Path) -> None:
    result = run_kit(tmp_path, "--oneiros-backend", "no_such_backend", "-k", "add")
    assert result.returncode == pytest.ExitCode.USAGE_ERROR, result.stdout + result.stderr
    assert "no_such_backend" in result.stderr


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("add reason\n", "1: no ':'"),
        ("\n# comment\nadd:\n", "3: 'add' has no reason"),
        ("my op: reason\n", "1: the key 'my op'"),
        (": reason\n", "1: the key ''"),
        ("add: a\nadd: b\n", "2: 'add' is already excluded on line 1"),
    ],
)
def test_malformed_exclusion_lines_are_reported(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "exclusions.txt"
    path.write_text(text)
    with pytest.raises(ExclusionsError, match=f"{path}:{problem}"):
        parse_exclusions(path)


def test_exclusion_lines_parse(tmp_path: Path) -> None:
    path = tmp_path / "exclusions.txt"
    path.write_text("# header\n\n  conv[2d-same-stride2-dilation1-groups2]: XLA: no groups here  \nsort: see #12\n")
    parsed = parse_exclusions(path)
    assert [(e.key, e.reason, e.line) for e in parsed] == [
        ("conv[2d-same-stride2-dilation1-groups2]", "XLA: no groups here", 3),
        ("sort", "see #12", 4),
    ]


def test_a_missing_exclusions_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ExclusionsError, match="nope.txt"):
        parse_exclusions(tmp_path / "nope.txt")


def _spec(name: str, differentiable: bool) -> OpSpec:
    return OpSpec(name, inspect.Signature(), "math", "anything", "", differentiable)


def test_an_op_without_cases_is_listed() -> None:
    contract = {**CONTRACT, "frobnicate": _spec("frobnicate", True)}
    assert ops_without_checks(contract) == ["frobnicate"]
    assert ops_without_gradient_checks(contract) == ["frobnicate"]


def test_a_differentiable_op_without_gradient_cases_is_listed() -> None:
    contract = {**CONTRACT, "sign": _spec("sign", True)}
    assert ops_without_checks(contract) == []
    assert ops_without_gradient_checks(contract) == ["sign"]


def test_the_kit_covers_the_real_contract() -> None:
    assert ops_without_checks() == [] and ops_without_gradient_checks() == []
    assert duplicate_ids([*CASES, *RANDOM_CHECKS]) == []


def test_duplicate_ids_are_found() -> None:
    assert duplicate_ids([CASES[0], CASES[1], CASES[0]]) == [CASES[0].id]
