"""Control flow as plain Python loops, checked like JAX checks its traced loops.

Carries must keep their structure, shapes and dtypes from step to step, so code that runs
here also runs on compiling backends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from oneiros._tree import tree_map
from oneiros.backend.eager_loops import check_carry, scan_length, tree_signature, tree_structure
from oneiros.backends.numpy_reference._tensor import as_tensor

__all__ = ["cond", "fori_loop", "scan"]


def _dtype_name(leaf: Any) -> str:
    return leaf.dtype.name


def _signature(tree: Any) -> list[str]:
    return tree_signature(tree, _dtype_name)


def _tensors(tree: Any) -> Any:
    return tree_map(as_tensor, tree)


def _step_output(output: Any) -> tuple[Any, Any]:
    if not isinstance(output, (tuple, list)) or len(output) != 2:
        raise TypeError(f"scan's f must return a pair (carry, y); received {type(output).__name__}.")
    return _tensors(output[0]), _tensors(output[1])


def scan(f: Callable, init: Any, xs: Any = None, length: int | None = None, reverse: bool = False,
         unroll: int = 1) -> tuple[Any, Any]:
    xs = _tensors(xs)
    steps = scan_length(xs, length)
    carry = _tensors(init)
    if steps == 0:
        # Like a traced scan, learn the structure of y from one call on a placeholder slice.
        placeholder = tree_map(lambda leaf: np.zeros(leaf.shape[1:], leaf.dtype), xs)
        _, y = _step_output(f(carry, placeholder))
        return carry, tree_map(lambda leaf: np.zeros((0, *leaf.shape), leaf.dtype), y)
    ys: dict[int, Any] = {}
    for index in (reversed(range(steps)) if reverse else range(steps)):
        new_carry, ys[index] = _step_output(f(carry, tree_map(lambda leaf: leaf[index], xs)))
        check_carry(new_carry, carry, "scan's f", _dtype_name)
        carry = new_carry
    first = ys[0]
    for index in range(1, steps):
        if tree_structure(ys[index]) != tree_structure(first) or _signature(ys[index]) != _signature(first):
            raise TypeError(
                f"scan's f must return ys of one structure, shapes and dtypes at every step; "
                f"step 0 gave {_signature(first)}, step {index} gave {_signature(ys[index])}."
            )
    stacked = tree_map(lambda *leaves: np.stack(leaves), first, *(ys[i] for i in range(1, steps)))
    return carry, stacked


def cond(pred: Any, true_fn: Callable, false_fn: Callable, *operands: Any) -> Any:
    flag = as_tensor(pred)
    if flag.shape != () or flag.dtype.kind not in "biu":
        raise TypeError(
            "cond needs a scalar bool (or int) predicate; received "
            f"{flag.dtype.name}{list(flag.shape)}."
        )
    return (true_fn if bool(flag) else false_fn)(*operands)


def fori_loop(lower: Any, upper: Any, body_fun: Callable, init_val: Any) -> Any:
    carry = _tensors(init_val)
    for index in range(int(lower), int(upper)):
        new_carry = _tensors(body_fun(np.asarray(index, dtype=np.int32), carry))
        check_carry(new_carry, carry, "fori_loop's body_fun", _dtype_name)
        carry = new_carry
    return carry
