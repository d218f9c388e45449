"""scan, cond and fori_loop: unrolled into the Tile program (Tile has no loops)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from oneiros._tree import tree_leaves, tree_map
from oneiros.backend.eager_loops import EagerArrays, check_carry, eager_fori_loop, eager_scan

from oneiros_plaidml._shape import stack as stack_tensors, where
from oneiros_plaidml._tensor import as_tensor, host_tensor


def _dtype_name(tensor: Any) -> str:
    return as_tensor(tensor).dtype


ARRAYS = EagerArrays(
    as_tensor=as_tensor,
    dtype_name=_dtype_name,
    slice_placeholder=lambda leaf: host_tensor(np.zeros(leaf.shape[1:], leaf.dtype)),
    empty_stacked=lambda leaf: host_tensor(np.zeros((0, *leaf.shape), leaf.dtype)),
    stack=stack_tensors,
    loop_index=lambda index: host_tensor(np.asarray(index, np.int32)),
)


def scan(f: Callable, init: Any, xs: Any = None, length: int | None = None, reverse: bool = False,
         unroll: int = 1) -> tuple[Any, Any]:
    return eager_scan(ARRAYS, f, init, xs, length, reverse)


def fori_loop(lower: Any, upper: Any, body_fun: Callable, init_val: Any) -> Any:
    return eager_fori_loop(ARRAYS, lower, upper, body_fun, init_val)


def cond(pred: Any, true_fn: Callable, false_fn: Callable, *operands: Any) -> Any:
    predicate = as_tensor(pred)
    if predicate.size != 1:
        raise ValueError(f"cond needs a scalar predicate; received shape {list(predicate.shape)}")
    if not predicate.traced:
        return (true_fn if bool(predicate.numpy().reshape(())) else false_fn)(*operands)
    # A traced predicate: both branches run and the result is selected elementwise.
    taken, other = tree_map(as_tensor, true_fn(*operands)), tree_map(as_tensor, false_fn(*operands))
    check_carry(other, taken, "cond's false_fn (against true_fn)", _dtype_name)
    leaves_taken, leaves_other = tree_leaves(taken), iter(tree_leaves(other))
    chosen = iter([where(predicate, leaf, next(leaves_other)) for leaf in leaves_taken])
    return tree_map(lambda _: next(chosen), taken)


__all__ = ["cond", "fori_loop", "scan"]
