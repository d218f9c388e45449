"""The plugin registers the backend lazily, and the backend implements the whole contract."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys

import numpy as np
import pytest
from oneiros import ops
from oneiros.backend import Backend
from oneiros.errors import OpError
from oneiros.ops import CONTRACT
from oneiros.testing.conformance._catalogue import CASES, RANDOM_CHECKS
from oneiros.testing.conformance._exclusions import parse_exclusions

HEAVY = ("tensorflow", "keras", "jax")


def _fresh_python(script: str) -> str:
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_import_and_backend_listing_never_import_tensorflow():
    script = (
        "import sys, oneiros, oneiros_tensorflow, oneiros_tensorflow.plugin\n"
        "from oneiros.backend import available_backends\n"
        f"print('tensorflow' in available_backends(), sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    assert _fresh_python(script) == "True []"


def test_oneiros_plugins_cli_never_imports_tensorflow():
    script = (
        "import sys, contextlib, io\n"
        "from oneiros.cli import main\n"
        "sys.argv = ['oneiros', 'plugins', '--json']\n"
        "with contextlib.redirect_stdout(io.StringIO()) as listing, contextlib.suppress(SystemExit):\n"
        "    main()\n"
        "print('oneiros-tensorflow' in listing.getvalue(), 'tensorflow' in sys.modules)\n"
    )
    assert _fresh_python(script) == "True False"


def test_the_factory_quiets_tensorflow_logs_unless_the_user_chose_a_level(monkeypatch):
    from oneiros_tensorflow.plugin import _tensorflow_backend

    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "1")
    _tensorflow_backend()
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "1"
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL")
    _tensorflow_backend()
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "2"


def test_the_factory_gives_the_tensorflow_backend(tensorflow_backend):
    from oneiros_tensorflow.backend import TensorflowBackend

    assert isinstance(tensorflow_backend, TensorflowBackend) and isinstance(tensorflow_backend, Backend)
    assert tensorflow_backend.name == "tensorflow"
    assert tensorflow_backend.capabilities == {"trainable", "jit", "fused_steps", "bfloat16", "distributed"}
    assert tensorflow_backend.devices()[0].endswith("CPU:0") or "GPU" in tensorflow_backend.devices()[0]


def test_ops_namespace_has_every_native_op_or_its_exclusion_and_only_contract_signatures(tensorflow_backend):
    provided = set(tensorflow_backend.ops.__all__)
    assert provided - set(CONTRACT) == set()
    excluded = {exclusion.key for exclusion in parse_exclusions(tensorflow_backend.conformance_exclusions)}
    assert sorted(name for name, spec in CONTRACT.items()
                  if not spec.derived and name not in provided and name not in excluded) == []
    mismatched = {name: str(inspect.signature(getattr(tensorflow_backend.ops, name)))
                  for name, spec in CONTRACT.items()
                  if name in provided and not spec.matches(getattr(tensorflow_backend.ops, name))}
    assert mismatched == {}


def test_exclusions_file_parses_and_names_only_known_checks(tensorflow_backend):
    known = set(CONTRACT) | {case.id for case in CASES} | {check.id for check in RANDOM_CHECKS}
    exclusions = parse_exclusions(tensorflow_backend.conformance_exclusions)
    assert [exclusion.key for exclusion in exclusions if exclusion.key not in known] == []


def test_shape_errors_found_at_run_time_name_the_op_and_the_shapes(on_tensorflow):
    with pytest.raises(OpError, match=r"ops\.squeeze.*\[2, 3\]"):
        ops.squeeze(ops.zeros((2, 3)), axis=0)
    with pytest.raises(OpError, match=r"ops\.take.*expected"):
        ops.take(ops.zeros((2, 3)), ops.convert_to_tensor(np.array([5], np.int32)), axis=0)


def test_uint64_values_beyond_32_bits_are_refused(on_tensorflow):
    with pytest.raises(OpError, match="do not fit uint32"):
        ops.convert_to_tensor(np.array([2**40], np.uint64))


def test_value_and_grad_gives_dense_gradients_of_gathered_parameters(tensorflow_backend, on_tensorflow):
    table = ops.convert_to_tensor(np.arange(12, dtype=np.float32).reshape(4, 3))
    indices = ops.convert_to_tensor(np.array([0, 2, 2], np.int32))
    value, grad = tensorflow_backend.value_and_grad(lambda t: ops.sum(ops.take(t, indices, axis=0)))(table)
    expected = np.zeros((4, 3), np.float32)
    expected[0] = 1
    expected[2] = 2
    assert float(ops.to_numpy(value)) == float(np.arange(12).reshape(4, 3)[[0, 2, 2]].sum())
    np.testing.assert_array_equal(ops.to_numpy(grad), expected)
