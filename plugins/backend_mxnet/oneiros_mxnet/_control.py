"""Control flow as Python loops around eager MXNet ops (autograd records every iteration).

Carries must keep their structure, shapes and dtypes from step to step, as on compiling
backends, so code that runs here also runs there.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from mxnet import numpy as mnp
from oneiros import dtypes
from oneiros.backend.eager_loops import EagerArrays, eager_fori_loop, eager_scan

from oneiros_mxnet._tensor import as_tensor, dtype_name, from_numpy, same_dtype_as, storage

__all__ = ["cond", "fori_loop", "scan"]


def _stacked(leaves: list[Any]) -> Any:
    return same_dtype_as(mnp.stack([storage(leaf) for leaf in leaves]), leaves[0])


_ARRAYS = EagerArrays(
    as_tensor=as_tensor,
    dtype_name=dtype_name,
    slice_placeholder=lambda leaf: mnp.zeros(leaf.shape[1:], dtype=storage(leaf).dtype, ctx=leaf.ctx),
    empty_stacked=lambda leaf: same_dtype_as(mnp.zeros((0, *leaf.shape), dtype=storage(leaf).dtype, ctx=leaf.ctx),
                                             leaf),
    stack=_stacked,
    loop_index=lambda index: from_numpy(np.asarray(index, dtype=np.int32)),
)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    return eager_scan(_ARRAYS, f, init, xs, length, reverse)


def cond(pred, true_fn, false_fn, *operands):
    flag = as_tensor(pred)
    if flag.shape != () or dtype_name(flag) in dtypes.FLOATS:
        raise TypeError(
            f"cond needs a scalar bool (or int) predicate; received {dtype_name(flag)}{list(flag.shape)}."
        )
    return (true_fn if bool(flag.item()) else false_fn)(*operands)


def fori_loop(lower, upper, body_fun, init_val):
    return eager_fori_loop(_ARRAYS, lower, upper, body_fun, init_val)
