"""Control flow as plain Python loops, checked like JAX checks its traced loops.

Carries must keep their structure, shapes and dtypes from step to step, so code that runs
here also runs on compiling backends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from oneiros.backend.eager_loops import EagerArrays, eager_fori_loop, eager_scan
from oneiros.backends.numpy_reference._tensor import as_tensor
from oneiros.errors import CapabilityError

__all__ = ["cond", "custom_gradient", "fori_loop", "jvp", "scan"]


_ARRAYS = EagerArrays(
    as_tensor=as_tensor,
    dtype_name=lambda leaf: leaf.dtype.name,
    slice_placeholder=lambda leaf: np.zeros(leaf.shape[1:], leaf.dtype),
    empty_stacked=lambda leaf: np.zeros((0, *leaf.shape), leaf.dtype),
    stack=np.stack,
    loop_index=lambda index: np.asarray(index, dtype=np.int32),
)


def scan(f: Callable, init: Any, xs: Any = None, length: int | None = None, reverse: bool = False,
         unroll: int = 1) -> tuple[Any, Any]:
    return eager_scan(_ARRAYS, f, init, xs, length, reverse)


def cond(pred: Any, true_fn: Callable, false_fn: Callable, *operands: Any) -> Any:
    flag = as_tensor(pred)
    if flag.shape != () or flag.dtype.kind not in "biu":
        raise TypeError(
            "cond needs a scalar bool (or int) predicate; received "
            f"{flag.dtype.name}{list(flag.shape)}."
        )
    return (true_fn if bool(flag) else false_fn)(*operands)


def fori_loop(lower: Any, upper: Any, body_fun: Callable, init_val: Any) -> Any:
    return eager_fori_loop(_ARRAYS, lower, upper, body_fun, init_val)


def custom_gradient(f: Callable) -> Callable:
    """The forward computation only: this backend computes no gradients to customise."""

    def forward(*args: Any) -> Any:
        output, _ = f(*args)
        return output

    return forward


def jvp(fun: Callable, primals: Any, tangents: Any, has_aux: bool = False) -> Any:
    raise CapabilityError("numpy", "jvp (forward-mode differentiation)", frozenset())
