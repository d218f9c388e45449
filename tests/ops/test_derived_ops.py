"""Derived ops: the contract's definition runs where a backend has no function of that name, the
backend's own function (an override) where it has one, and a native op stays the backend's duty."""

from __future__ import annotations

import types

import numpy as np
import pytest

import oneiros as oi
from oneiros import ops
from oneiros.backend import backend_scope, get_backend
from oneiros.backends.numpy_reference import NumpyBackend
from oneiros.backends.numpy_reference import ops as numpy_ops
from oneiros.errors import CapabilityError
from oneiros.testing.conformance._catalogue import CASES
from oneiros.testing.conformance._compare import assert_same_outcome
from oneiros.testing.conformance._running import run_eager


def _backend_with(name: str, **replaced) -> NumpyBackend:
    """A numpy backend whose ops namespace lacks ``replaced`` keys set to None, or overrides them."""
    functions = {key: getattr(numpy_ops, key) for key in ops.CONTRACT if hasattr(numpy_ops, key)}
    for key, value in replaced.items():
        functions.pop(key, None)
        if value is not None:
            functions[key] = value
    backend_type = type(name, (NumpyBackend,), {"name": name, "ops": types.SimpleNamespace(**functions)})
    return backend_type()


X = np.array([0.5, 1.0, 8.0, 1000.0], np.float32)


def test_specs_say_which_ops_are_derived():
    assert ops.CONTRACT["log10"].derived and callable(ops.CONTRACT["log10"].definition)
    assert not ops.CONTRACT["log"].derived and ops.CONTRACT["log"].definition is None


def test_a_backend_without_the_op_runs_the_definition_on_its_native_ops():
    calls = []

    def counted_log(x):
        calls.append(x)
        return numpy_ops.log(x)

    with backend_scope(_backend_with("no_log10", log10=None, log=counted_log)):
        np.testing.assert_allclose(ops.to_numpy(ops.log10(X)), np.log10(X.astype(np.float64)), rtol=1e-6)
    assert len(calls) == 1, "the definition of log10 divides the backend's own log"


def test_a_backend_override_replaces_the_definition():
    calls = []

    def override(x):
        calls.append(x)
        return np.log10(x)

    with backend_scope(_backend_with("own_log10", log10=override)):
        ops.log10(X)
    assert len(calls) == 1


def test_a_missing_native_op_is_a_capability_error_naming_it():
    with backend_scope(_backend_with("no_log", log=None)), pytest.raises(CapabilityError, match="op log"):
        ops.log(X)


def test_a_derived_op_in_a_functional_model_saves_and_loads(tmp_path):
    inputs = oi.Input((4,))
    model = oi.Model(inputs, ops.log10(inputs))
    path = tmp_path / "log10.oneiros"
    model.save(path)
    loaded = oi.load_model(path)
    batch = np.abs(np.random.default_rng(0).normal(size=(2, 4))).astype(np.float32) + 0.1
    np.testing.assert_allclose(np.asarray(loaded.predict(batch, verbose=0)),
                               np.log10(batch.astype(np.float64)), rtol=1e-5)


DERIVED_CASES = [case for case in CASES if ops.CONTRACT[case.op].derived and not case.requires]


@pytest.fixture(scope="module")
def definitions_only():
    """The numpy reference with every derived op removed: each runs its definition on numpy's natives."""
    return _backend_with("definitions_only", **{name: None for name, spec in ops.CONTRACT.items() if spec.derived})


@pytest.mark.parametrize("case", DERIVED_CASES, ids=lambda case: case.id)
def test_each_definition_matches_numpy_on_every_conformance_case(case, definitions_only):
    """The numpy reference computes each derived op straight from numpy: the oracle for the
    definitions, which every backend without an override runs."""
    assert_same_outcome(case, run_eager(definitions_only, case), run_eager(get_backend("numpy"), case))


def test_ndim_of_a_symbolic_tensor_is_a_python_int_as_in_keras():
    assert ops.ndim(oi.Input((4, 3))) == 3
