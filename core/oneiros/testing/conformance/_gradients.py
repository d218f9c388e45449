"""Gradient checks: ``backend.value_and_grad`` against central finite differences on the reference.

The loss is ``sum(op(args) * W)`` over every float output, W fixed random weights, so every
output element contributes with a distinct factor.

Why these numbers: the numpy reference computes in float32 (it narrows float64), so the finite
differences are float32 differences. Each output element carries a rounding error of about
6e-8 relative, which a step h amplifies by 1/(2h); truncation error grows like h^2 * f'''.
h = 1e-2 balances both for inputs of magnitude ~1 (rounding ~1e-5, truncation ~2e-5 relative
for the smooth ops here). The step actually taken is re-measured in float64 after rounding
x +- h to float32. Outputs untouched by the perturbed element are bit-identical between the two
evaluations (the reference is deterministic), so they cancel exactly. Case inputs keep at least
2h away from kinks and ties. A wrong gradient (missing term, wrong sign or scale) is off by far
more than the 1e-2 relative / 1e-3 absolute (scaled) tolerance.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

import numpy as np

from oneiros import ops
from oneiros.backend import JIT, Backend, backend_scope
from oneiros.dtypes import FLOATS
from oneiros.testing.conformance._case import Call, Case, Tensor
from oneiros.testing.conformance._running import Outcome, is_array_argument, run_eager, to_backend
from oneiros.testing.conformance._tree import flatten, output_leaves

STEP = 1e-2
MAX_COORDINATES = 12
RTOL = 1e-2
ATOL = 1e-3


def _rng(case: Case, purpose: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(f"{purpose}:{case.id}".encode()))


def _differentiated(case: Case, arguments: Call) -> tuple[list[np.ndarray], Callable[[list[np.ndarray]], Call]]:
    """The float32 arrays of the ``wrt`` arguments, and a function giving a Call with new ones."""
    leaves, rebuild = flatten(tuple(arguments.args[i] for i in case.wrt), is_array_argument)
    arrays = []
    for leaf in leaves:
        array = leaf.value if isinstance(leaf, Tensor) else leaf
        assert array.dtype == np.float32 and not (isinstance(leaf, Tensor) and leaf.dtype not in (None, "float32")), (
            f"{case.id}: gradient cases differentiate float32 arrays only; argument has {array.dtype}"
        )
        arrays.append(array)

    def substitute(new_arrays: list[np.ndarray]) -> Call:
        args = list(arguments.args)
        for position, part in zip(case.wrt, rebuild(new_arrays)):
            args[position] = part
        return Call(tuple(args), arguments.kwargs)

    return arrays, substitute


def _weights(case: Case, outcome: Outcome) -> list[np.ndarray | None]:
    rng = _rng(case, "weights")
    return [rng.standard_normal(leaf.value.shape) if leaf.dtype in FLOATS else None for leaf in outcome.leaves]


def _weighted_sum(outcome: Outcome, weights: list[np.ndarray | None]) -> float:
    return float(sum(np.sum(np.asarray(leaf.value, np.float64) * w)
                     for leaf, w in zip(outcome.leaves, weights) if w is not None))


def _backend_value_and_grads(backend: Backend, case: Case, arguments: Call,
                             weights: list[np.ndarray | None]) -> tuple[float, list[Any]]:
    with backend_scope(backend):
        args, kwargs = list(to_backend(arguments.args)), to_backend(arguments.kwargs)
        params = tuple(args[i] for i in case.wrt)
        weight_tensors = [None if w is None else ops.convert_to_tensor(w.astype(np.float32)) for w in weights]

        def loss(traced: tuple[Any, ...]) -> Any:
            full = list(args)
            for position, value in zip(case.wrt, traced):
                full[position] = value
            leaves = output_leaves(getattr(ops, case.op)(*full, **kwargs))
            terms = [ops.sum(ops.multiply(leaf, w)) for leaf, w in zip(leaves, weight_tensors) if w is not None]
            total = terms[0]
            for term in terms[1:]:
                total = ops.add(total, term)
            return total

        value_and_grad = backend.value_and_grad(loss)
        if JIT in backend.capabilities:
            # One compilation per case instead of one per primitive and shape: this is most of
            # the kit's run time on compiling backends, and training steps run jitted anyway.
            value_and_grad = backend.jit(value_and_grad)
        value, grads = value_and_grad(params)
        observed = [(np.asarray(ops.to_numpy(g)), ops.dtype(g)) for g in output_leaves(grads)]
        return float(ops.to_numpy(value)), observed


def _finite_difference(reference: Backend, case: Case, arrays: list[np.ndarray], index: int, flat: int,
                       substitute: Callable[[list[np.ndarray]], Call], weights: list[np.ndarray | None]) -> float:
    values = []
    for sign in (1.0, -1.0):
        moved = arrays[index].copy()
        moved.flat[flat] = np.float32(moved.flat[flat] + sign * STEP)
        values.append((float(moved.flat[flat]), _weighted_sum(
            run_eager(reference, case, substitute([*arrays[:index], moved, *arrays[index + 1:]])), weights)))
    (x_up, f_up), (x_down, f_down) = values
    return (f_up - f_down) / (x_up - x_down)


def check_gradient(backend: Backend, reference: Backend, case: Case) -> None:
    arguments = case.arguments()
    arrays, substitute = _differentiated(case, arguments)
    base = run_eager(reference, case, arguments)
    weights = _weights(case, base)
    value, grads = _backend_value_and_grads(backend, case, arguments, weights)

    expected_value = _weighted_sum(base, weights)
    assert abs(value - expected_value) <= 1e-4 * max(1.0, abs(expected_value)), (
        f"{case.id}: value_and_grad's value {value!r}, reference loss {expected_value!r}"
    )
    assert len(grads) == len(arrays), f"{case.id}: {len(grads)} gradient leaves for {len(arrays)} parameters"
    rng = _rng(case, "coordinates")
    for index, (array, (grad, dtype)) in enumerate(zip(arrays, grads)):
        where = f"{case.id}, gradient of parameter leaf {index}"
        assert dtype == "float32" and grad.shape == array.shape, (
            f"{where}: {dtype}{list(grad.shape)}; expected float32{list(array.shape)}"
        )
        if case.grad_is_zero:
            np.testing.assert_array_equal(grad, np.zeros_like(grad), err_msg=where)
            continue
        coordinates = (np.arange(array.size) if array.size <= MAX_COORDINATES
                       else rng.choice(array.size, MAX_COORDINATES, replace=False))
        numeric = np.array([_finite_difference(reference, case, arrays, index, flat, substitute, weights)
                            for flat in coordinates])
        analytic = grad.reshape(-1)[coordinates].astype(np.float64)
        scale = max(1.0, float(np.max(np.abs(numeric), initial=0.0)))
        np.testing.assert_allclose(
            analytic, numeric, rtol=RTOL, atol=ATOL * scale,
            err_msg=f"{where} at flat indices {coordinates.tolist()} (analytic vs finite differences)",
        )
