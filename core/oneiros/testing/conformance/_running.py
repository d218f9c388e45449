"""Running a case's op on one backend and reading its outputs back as numpy values.

Everything goes through the public surface a third-party backend implements: ``backend_scope``
to make it active, ``oneiros.ops`` to call it, and ``backend.jit`` for compiled runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from oneiros import ops
from oneiros.backend import Backend, backend_scope
from oneiros.testing.conformance._case import Call, Case, Raw, Tensor
from oneiros.testing.conformance._tree import flatten, output_leaves, structure


@dataclass(frozen=True)
class Observed:
    """One output leaf: a numpy array with its dtype name, or a plain Python value."""

    value: Any
    dtype: str | None

    @property
    def is_array(self) -> bool:
        return self.dtype is not None


@dataclass(frozen=True)
class Outcome:
    structure: Any
    leaves: list[Observed]


def is_array_argument(value: Any) -> bool:
    return isinstance(value, (np.ndarray, Tensor))


def to_backend(value: Any) -> Any:
    """``value`` with its arrays made tensors of the active backend (see :class:`Call`)."""
    if isinstance(value, Raw):
        return value.value
    if isinstance(value, Tensor):
        return ops.convert_to_tensor(value.value, value.dtype)
    if isinstance(value, np.ndarray):
        return ops.convert_to_tensor(value)
    if isinstance(value, dict):
        return {key: to_backend(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(to_backend(item) for item in value)
    return value


SIXTY_FOUR_BIT = frozenset({"float64", "int64", "uint64", "complex128"})


def observe_leaf(leaf: Any) -> Observed:
    """Reads one output leaf on the active backend."""
    if ops.is_tensor(leaf):
        array = ops.to_numpy(leaf)
        assert isinstance(array, (np.ndarray, np.generic)), (
            f"ops.to_numpy returned {type(array).__name__}; expected a numpy array"
        )
        declared = ops.dtype(leaf)
        # ops.dtype and name_of narrow 64-bit dtypes, which would hide a backend computing in float64
        # what the contract says is float32: to_numpy's dtype must match, and the tensor's own dtype
        # must not be 64-bit (a backend may store a narrow integer dtype it lacks in a wider 32-bit
        # one, as MXNet stores int16 in int32, while reporting and returning int16)
        own = getattr(leaf, "dtype", None)
        own_name = own if isinstance(own, str) else getattr(own, "name", None)
        checks = [("ops.to_numpy gives", array.dtype)]
        if own_name in SIXTY_FOUR_BIT:
            checks.append(("the tensor itself holds", own_name))
        for what, held in checks:
            held_name = held if isinstance(held, str) else getattr(held, "name", None)
            assert not isinstance(held_name, str) or held_name == declared, (
                f"ops.dtype reports {declared}, but {what} {held_name}: the backend computes in {held_name} "
                f"what the contract says is {declared}"
            )
        return Observed(np.asarray(array), declared)
    if isinstance(leaf, (np.ndarray, np.generic)):  # not the backend's tensor: an unsupported (64-bit?) dtype
        return Observed(np.asarray(leaf), leaf.dtype.name)
    return Observed(leaf, None)


def observe(output: Any) -> Outcome:
    return Outcome(structure(output), [observe_leaf(leaf) for leaf in output_leaves(output)])


def invoke(op: str, arguments: Call) -> Any:
    """Calls ``ops.<op>`` on the active backend with the arguments converted to its tensors."""
    return getattr(ops, op)(*to_backend(arguments.args), **to_backend(arguments.kwargs))


def run_eager(backend: Backend, case: Case, arguments: Call | None = None) -> Outcome:
    with backend_scope(backend):
        return observe(invoke(case.op, arguments or case.arguments()))


def run_jitted(backend: Backend, case: Case) -> Outcome:
    """Runs the op inside ``backend.jit``: tensors are traced inputs, everything else static."""
    arguments = case.arguments()
    with backend_scope(backend):
        args, kwargs = to_backend(arguments.args), to_backend(arguments.kwargs)
        tensors, rebuild = flatten((args, kwargs), ops.is_tensor)

        def program(*traced: Any) -> Any:
            traced_args, traced_kwargs = rebuild(list(traced))
            return getattr(ops, case.op)(*traced_args, **traced_kwargs)

        return observe(backend.jit(program)(*tensors))
