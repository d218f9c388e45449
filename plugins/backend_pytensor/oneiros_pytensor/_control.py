"""scan, cond and fori_loop: Python loops on eager values, ``pytensor.scan``/``ifelse`` when traced.

An eager loop whose body turns out to read traced values (a closure over a compiled step's
weights) starts again as a traced loop.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytensor
import pytensor.tensor as pt
from oneiros._tree import tree_leaves, tree_map
from oneiros.backend.eager_loops import EagerArrays, eager_fori_loop, eager_scan, scan_length, tree_structure
from pytensor.graph.basic import Variable

from oneiros_pytensor._graph import any_traced, evaluate_tree
from oneiros_pytensor._linker import linker_name, loop_body_mode
from oneiros_pytensor._tensors import as_numpy, finish, static_shape, tensor

__all__ = ["cond", "fori_loop", "jvp", "scan"]


class _TracedInside(Exception):
    """An eager loop's body returned traced values."""


def _eager_value(value: Any) -> np.ndarray:
    if isinstance(value, Variable):
        raise _TracedInside
    return as_numpy(value)


_EAGER = EagerArrays(
    as_tensor=_eager_value,
    dtype_name=lambda array: array.dtype.name,
    slice_placeholder=lambda leaf: np.zeros(leaf.shape[1:], leaf.dtype),
    empty_stacked=lambda leaf: np.zeros((0, *leaf.shape), leaf.dtype),
    stack=np.stack,
    loop_index=lambda index: np.asarray(index, np.int32),
)


def _signature(leaves: list[Any]) -> list[str]:
    return [f"{leaf.dtype}{list(static_shape(leaf))}" for leaf in leaves]


def _rebuild(tree: Any, leaves: list[Any]) -> Any:
    remaining = iter(leaves)
    return tree_map(lambda _: next(remaining), tree)


def _check_carry(new: Any, old: Any, what: str) -> list[Any]:
    new_leaves = [tensor(leaf) for leaf in tree_leaves(new)]
    old_leaves = [tensor(leaf) for leaf in tree_leaves(old)]
    if tree_structure(new) != tree_structure(old) or _signature(new_leaves) != _signature(old_leaves):
        raise TypeError(f"{what} must return a carry with the structure, shapes and dtypes of the initial one; "
                        f"received {_signature(new_leaves)} in {tree_structure(new)!r}, expected "
                        f"{_signature(old_leaves)} in {tree_structure(old)!r}.")
    return new_leaves


def _traced_scan(f: Any, init: Any, xs: Any, length: Any, reverse: bool, unroll: int) -> tuple[Any, Any]:
    carry_leaves = [tensor(leaf) for leaf in tree_leaves(init)]
    xs_leaves = [tensor(leaf) for leaf in tree_leaves(xs)]
    steps = scan_length([_StaticShape(leaf) for leaf in xs_leaves], length)
    ys_tree: list[Any] = []

    def step(*arguments: Any) -> list[Any]:
        slices, carry = arguments[:len(xs_leaves)], arguments[len(xs_leaves):len(xs_leaves) + len(carry_leaves)]
        output = f(_rebuild(init, list(carry)), _rebuild(xs, list(slices)))
        if not isinstance(output, (tuple, list)) or len(output) != 2:
            raise TypeError(f"scan's f must return a pair (carry, y); received {type(output).__name__}.")
        new_carry = _check_carry(output[0], _rebuild(init, list(carry)), "scan's f")
        ys_tree.append(output[1])
        return [*new_carry, *(tensor(leaf) for leaf in tree_leaves(output[1]))]

    # A first trace on one step's slices tells how many ys follow the carries (scan needs a
    # None in ``outputs_info`` for each).
    step(*(leaf[0] for leaf in xs_leaves), *carry_leaves)
    ys_count = len(tree_leaves(ys_tree[0]))
    outputs, _ = pytensor.scan(step, sequences=xs_leaves or None,
                               outputs_info=[*carry_leaves, *([None] * ys_count)],
                               n_steps=None if xs_leaves else steps, go_backwards=reverse, strict=False,
                               return_list=True, mode=loop_body_mode(linker_name()))
    final = [sequence[-1] for sequence in outputs[:len(carry_leaves)]]
    ys = outputs[len(carry_leaves):]
    if reverse:
        ys = [y[::-1] for y in ys]
    return _rebuild(init, final), _rebuild(ys_tree[0], ys)


class _StaticShape:
    """A traced tensor's static shape, as :func:`scan_length` reads it."""

    def __init__(self, variable: Any) -> None:
        self.shape = static_shape(variable)
        self.ndim = len(self.shape)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    if not any_traced(tree_leaves(init)) and not any_traced(tree_leaves(xs)):
        try:
            return eager_scan(_EAGER, f, init, xs, length, reverse)
        except _TracedInside:
            pass
    return _traced_scan(f, init, xs, length, reverse, unroll)


def cond(pred, true_fn, false_fn, *operands):
    if not isinstance(pred, Variable) and not any_traced(operands):
        try:
            chosen = true_fn if bool(np.asarray(pred)) else false_fn
            return tree_map(_eager_value, chosen(*operands))
        except _TracedInside:
            pass
    condition = tensor(pred)
    if condition.ndim != 0:
        raise ValueError(f"cond needs a scalar predicate; received shape {static_shape(condition)}.")
    condition = condition if condition.dtype == "bool" else pt.neq(condition, 0)
    when_true, when_false = true_fn(*operands), false_fn(*operands)
    true_leaves = [tensor(leaf) for leaf in tree_leaves(when_true)]
    false_leaves = [tensor(leaf) for leaf in tree_leaves(when_false)]
    if tree_structure(when_true) != tree_structure(when_false) or _signature(true_leaves) != _signature(false_leaves):
        raise TypeError(f"cond's branches must return one structure, shapes and dtypes; received "
                        f"{_signature(true_leaves)} and {_signature(false_leaves)}.")
    # Both branches run and switch picks (as JAX does for cond under vmap): the numpy
    # interpreter of eager graphs cannot run PyTensor's lazy IfElse.
    return _rebuild(when_true, [pt.switch(condition, a, b) for a, b in zip(true_leaves, false_leaves)])


def fori_loop(lower, upper, body_fun, init_val):
    bounds_traced = isinstance(lower, Variable) or isinstance(upper, Variable)
    if not bounds_traced and not any_traced(tree_leaves(init_val)):
        try:
            return eager_fori_loop(_EAGER, lower, upper, body_fun, init_val)
        except _TracedInside:
            pass
    if bounds_traced:
        indices = pt.arange(finish(tensor(lower), "int32"), finish(tensor(upper), "int32"), dtype="int32")
    else:
        indices = np.arange(int(lower), int(upper), dtype=np.int32)

    def step(carry: Any, index: Any) -> tuple[Any, Any]:
        return body_fun(index, carry), ()

    carry, _ = _traced_scan(step, init_val, indices, None, False, 1)
    return carry


def jvp(fun: Any, primals: Any, tangents: Any, has_aux: bool = False) -> Any:
    """Forward-mode derivatives by ``pytensor.gradient.Rop`` on the graph of ``fun``; eager
    primals become placeholders whose values are substituted when the graph is evaluated."""
    leaves = tree_leaves(primals)
    traced = any_traced(primals) or any_traced(tangents)
    arrays = [] if traced else [as_numpy(leaf) for leaf in leaves]
    inputs = ([pt.tensor_copy(tensor(leaf)) for leaf in leaves] if traced
              else [pt.tensor(dtype=array.dtype.name, shape=array.shape) for array in arrays])
    remaining = iter(inputs)
    result = fun(*tree_map(lambda _: next(remaining), primals))
    outputs, aux = result if has_aux else (result, None)
    output_leaves = [tensor(leaf) for leaf in tree_leaves(outputs)]
    directions = [finish(tensor(direction), variable.dtype) for direction, variable in zip(tree_leaves(tangents), inputs)]
    derivatives = pytensor.gradient.Rop(output_leaves, inputs, directions)
    remaining_derivatives = iter(derivatives)
    tangents_out = tree_map(lambda _: next(remaining_derivatives), outputs)
    found = (outputs, tangents_out, aux)
    if not traced:
        found = evaluate_tree(found, dict(zip(inputs, arrays)))
    outputs, tangents_out, aux = found
    return (outputs, tangents_out, aux) if has_aux else (outputs, tangents_out)
