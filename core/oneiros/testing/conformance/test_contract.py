"""The backend honours the op contract and the Backend interface, and the kit covers the contract."""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from oneiros import ops
from oneiros.backend import KNOWN_CAPABILITIES, TRAINABLE, Backend, backend_scope
from oneiros.dtypes import DtypeError
from oneiros.errors import CapabilityError, OpError
from oneiros.testing.conformance._case import Call, call
from oneiros.testing.conformance._catalogue import (
    CASES,
    RANDOM_CHECKS,
    duplicate_ids,
    ops_without_checks,
    ops_without_gradient_checks,
)
from oneiros.testing.conformance._running import to_backend


@dataclass(frozen=True)
class ContractOp:
    op: str

    @property
    def id(self) -> str:
        return self.op


@dataclass(frozen=True)
class BadCall:
    """Arguments an op must refuse with an OpError naming it and the received shapes."""

    op: str
    label: str
    arguments: Call

    @property
    def id(self) -> str:
        return f"{self.op}[{self.label}]"


def _zeros(*shape: int) -> np.ndarray:
    return np.zeros(shape, np.float32)


BAD_CALLS = [
    BadCall("add", "3-and-4", call(_zeros(3), _zeros(4))),
    BadCall("matmul", "2x3-and-4x5", call(_zeros(2, 3), _zeros(4, 5))),
    BadCall("reshape", "6-to-4", call(_zeros(6), (4,))),
    BadCall("concatenate", "2x3-and-2x4-axis0", call([_zeros(2, 3), _zeros(2, 4)])),
    BadCall("where", "2-3-3", call(np.zeros(2, bool), _zeros(3), _zeros(3))),
    BadCall("einsum", "ij,jk-2x3-4x5", call("ij,jk->ik", _zeros(2, 3), _zeros(4, 5))),
    BadCall("conv", "3-channels-kernel-for-2", call(_zeros(1, 5, 5, 3), _zeros(3, 3, 2, 4))),
    # derived ops: their definitions check what the ops they call would not name
    BadCall("glu", "odd-last-axis-2x3", call(_zeros(2, 3))),
    BadCall("gcd", "floats", call(_zeros(3), _zeros(3))),
    BadCall("searchsorted", "2d-sequence", call(_zeros(2, 3), _zeros(4))),
]

UNSUPPORTED = {
    "complex128": np.array([1 + 2j, 3.0]),
    "complex64": np.array([1j], np.complex64),
    "object": np.array([{"a": 1}, None], dtype=object),
    "strings": np.array(["a", "b"]),
}


def test_every_contract_op_has_a_check() -> None:
    missing = ops_without_checks()
    assert not missing, f"contract ops without a conformance case: {', '.join(missing)}"


def test_every_differentiable_op_has_a_gradient_check() -> None:
    missing = ops_without_gradient_checks()
    assert not missing, f"differentiable contract ops without a gradient case: {', '.join(missing)}"


def test_check_ids_are_unique() -> None:
    assert not duplicate_ids([*CASES, *RANDOM_CHECKS])


def _parameters(signature: inspect.Signature) -> list[tuple[str, str, Any]]:
    return [(p.name, p.kind.description, p.default) for p in signature.parameters.values()]


@pytest.mark.parametrize("case", [ContractOp(name) for name in sorted(ops.CONTRACT)], ids=lambda c: c.id)
def test_signature(case: ContractOp, backend_under_test: Backend) -> None:
    """A native op is the backend's function; a derived op is the backend's override or, when it has
    none, the contract's definition (which has the contract's signature by construction)."""
    spec = ops.CONTRACT[case.op]
    implementation = getattr(backend_under_test.ops, case.op, None) or spec.definition
    assert callable(implementation), f"backend {backend_under_test.name!r} has no op {case.op!r}"
    assert _parameters(inspect.signature(implementation)) == _parameters(ops.CONTRACT[case.op].signature), (
        f"{case.op}: parameters (name, kind, default) differ from the contract"
    )


def test_capabilities_are_known(backend_under_test: Backend) -> None:
    unknown = set(backend_under_test.capabilities) - KNOWN_CAPABILITIES
    assert not unknown, f"unknown capabilities {sorted(unknown)}; known: {sorted(KNOWN_CAPABILITIES)}"


def test_require_accepts_declared_capabilities(backend_under_test: Backend) -> None:
    for capability in backend_under_test.capabilities:
        backend_under_test.require(capability)


def test_require_raises_for_undeclared_capability(backend_under_test: Backend) -> None:
    undeclared = sorted(KNOWN_CAPABILITIES - set(backend_under_test.capabilities)) or ["no-such-capability"]
    for capability in undeclared:
        with pytest.raises(CapabilityError, match=re.escape(capability)):
            backend_under_test.require(capability)


def test_value_and_grad_follows_the_trainable_capability(backend_under_test: Backend) -> None:
    """Trainable: the gradient of sum(x**2) is 2x. Otherwise: a CapabilityError, no fallback."""
    x = np.array([1.5, -2.0, 0.25], np.float32)
    with backend_scope(backend_under_test):
        if TRAINABLE not in backend_under_test.capabilities:
            with pytest.raises(CapabilityError):
                backend_under_test.value_and_grad(lambda p: ops.sum(p))(ops.convert_to_tensor(x))
            return
        value, grad = backend_under_test.value_and_grad(lambda p: ops.sum(ops.square(p)))(ops.convert_to_tensor(x))
        np.testing.assert_allclose(ops.to_numpy(value), np.sum(x.astype(np.float64) ** 2), rtol=1e-6)
        np.testing.assert_allclose(ops.to_numpy(grad), 2 * x, rtol=1e-6)


def _shape_texts(value: Any) -> list[tuple[str, str]]:
    if isinstance(value, np.ndarray):
        return [(str(list(value.shape)), str(tuple(value.shape)))]
    if isinstance(value, (list, tuple)):
        return [text for item in value for text in _shape_texts(item)]
    return []


@pytest.mark.parametrize("case", BAD_CALLS, ids=lambda c: c.id)
def test_bad_shapes_raise_op_error(case: BadCall, backend_under_test: Backend) -> None:
    with backend_scope(backend_under_test):
        args = to_backend(case.arguments.args)
        with pytest.raises(OpError) as raised:
            getattr(ops, case.op)(*args)
    message = str(raised.value)
    assert case.op in message, f"the error does not name the op {case.op!r}: {message}"
    for as_list, as_tuple in _shape_texts(case.arguments.args):
        assert as_list in message or as_tuple in message, (
            f"the error does not name the received shape {as_tuple}: {message}"
        )


@pytest.mark.parametrize("kind", sorted(UNSUPPORTED))
def test_unsupported_dtype_is_refused(kind: str, backend_under_test: Backend) -> None:
    with backend_scope(backend_under_test), pytest.raises((OpError, DtypeError)):
        ops.convert_to_tensor(UNSUPPORTED[kind])


def test_devices(backend_under_test: Backend) -> None:
    devices = backend_under_test.devices()
    assert devices and all(isinstance(device, str) for device in devices), f"devices() gave {devices!r}"


def test_tree_map_keeps_structure(backend_under_test: Backend) -> None:
    tree = {"b": [1.0, (2.0, 3.0)], "a": 4.0}
    mapped = backend_under_test.tree_map(lambda leaf, other: leaf * 10 + other, tree, tree)
    assert mapped == {"b": [11.0, (22.0, 33.0)], "a": 44.0}


def test_fuse_steps_matches_a_python_loop(backend_under_test: Backend) -> None:
    rng = np.random.default_rng(0)
    batches = rng.standard_normal((3, 4, 2)).astype(np.float32)

    def step(state: Any, batch: Any) -> tuple[Any, dict[str, Any]]:
        new_state = ops.add(ops.multiply(state, 0.5), ops.sum(batch, axis=0))
        return new_state, {"norm": ops.sum(ops.square(new_state))}

    with backend_scope(backend_under_test):
        fused = backend_under_test.fuse_steps(step, 3)
        state, logs = fused(ops.zeros((2,)), ops.convert_to_tensor(batches))
        state, norm = ops.to_numpy(state), ops.to_numpy(logs["norm"])
    expected = np.zeros(2)
    for batch in batches.astype(np.float64):
        expected = expected * 0.5 + batch.sum(axis=0)
    np.testing.assert_allclose(state, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(norm, np.sum(expected**2), rtol=1e-5)


def test_compile_inference_matches_numpy(backend_under_test: Backend) -> None:
    rng = np.random.default_rng(1)
    w, b, x = (rng.standard_normal(shape).astype(np.float32) for shape in ((3, 2), (2,), (4, 3)))

    def forward(params: dict[str, Any], inputs: Any) -> Any:
        return ops.relu(ops.add(ops.matmul(inputs, params["w"]), params["b"]))

    expected = np.maximum(x.astype(np.float64) @ w + b, 0)
    with backend_scope(backend_under_test):
        compiled = backend_under_test.compile_inference(forward)
        params = {"w": ops.convert_to_tensor(w), "b": ops.convert_to_tensor(b)}
        for _ in range(2):
            np.testing.assert_allclose(ops.to_numpy(compiled(params, ops.convert_to_tensor(x))), expected,
                                       rtol=1e-5, atol=1e-6)
