"""Control flow as Python loops around eager MXNet ops (autograd records every iteration).

Carries must keep their structure, shapes and dtypes from step to step, as on compiling
backends, so code that runs here also runs there.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from mxnet import numpy as mnp
from oneiros import dtypes
from oneiros._tree import tree_map
from oneiros.backend.eager_loops import check_carry, scan_length, tree_signature, tree_structure

from oneiros_mxnet._tensor import as_tensor, dtype_name, from_numpy, same_dtype_as, storage

__all__ = ["cond", "fori_loop", "scan"]


def _signature(tree: Any) -> list[str]:
    return tree_signature(tree, dtype_name)


def _tensors(tree: Any) -> Any:
    return tree_map(as_tensor, tree)


def _step_output(output: Any) -> tuple[Any, Any]:
    if not isinstance(output, (tuple, list)) or len(output) != 2:
        raise TypeError(f"scan's f must return a pair (carry, y); received {type(output).__name__}.")
    return _tensors(output[0]), _tensors(output[1])


def _stacked(leaves: list[Any]) -> Any:
    return same_dtype_as(mnp.stack([storage(leaf) for leaf in leaves]), leaves[0])


def _empty_like_stacked(leaf: Any) -> Any:
    return same_dtype_as(mnp.zeros((0, *leaf.shape), dtype=storage(leaf).dtype, ctx=leaf.ctx), leaf)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    xs = _tensors(xs)
    steps = scan_length(xs, length)
    carry = _tensors(init)
    if steps == 0:
        # Like a traced scan, learn the structure of y from one call on a placeholder slice.
        placeholder = tree_map(lambda leaf: mnp.zeros(leaf.shape[1:], dtype=storage(leaf).dtype, ctx=leaf.ctx), xs)
        _, y = _step_output(f(carry, placeholder))
        return carry, tree_map(_empty_like_stacked, y)
    ys: dict[int, Any] = {}
    for index in (reversed(range(steps)) if reverse else range(steps)):
        new_carry, ys[index] = _step_output(f(carry, tree_map(lambda leaf: leaf[index], xs)))
        check_carry(new_carry, carry, "scan's f", dtype_name)
        carry = new_carry
    first = ys[0]
    for index in range(1, steps):
        if tree_structure(ys[index]) != tree_structure(first) or _signature(ys[index]) != _signature(first):
            raise TypeError(
                f"scan's f must return ys of one structure, shapes and dtypes at every step; "
                f"step 0 gave {_signature(first)}, step {index} gave {_signature(ys[index])}."
            )
    stacked = tree_map(lambda *leaves: _stacked(list(leaves)), first, *(ys[i] for i in range(1, steps)))
    return carry, stacked


def cond(pred, true_fn, false_fn, *operands):
    flag = as_tensor(pred)
    if flag.shape != () or dtype_name(flag) in dtypes.FLOATS:
        raise TypeError(
            f"cond needs a scalar bool (or int) predicate; received {dtype_name(flag)}{list(flag.shape)}."
        )
    return (true_fn if bool(flag.item()) else false_fn)(*operands)


def fori_loop(lower, upper, body_fun, init_val):
    carry = _tensors(init_val)
    for index in range(int(lower), int(upper)):
        new_carry = _tensors(body_fun(from_numpy(np.asarray(index, dtype=np.int32)), carry))
        check_carry(new_carry, carry, "fori_loop's body_fun", dtype_name)
        carry = new_carry
    return carry
