"""Host (numpy) values as eager backends take them in: 64-bit dtypes narrowed to 32 bits, as
:mod:`oneiros.dtypes` prescribes (refused where the values do not fit), and int arguments."""

from __future__ import annotations

from typing import Any

import numpy as np

from oneiros import dtypes

_NARROWED_INT_RANGES = {"int64": np.iinfo(np.int32), "uint64": np.iinfo(np.uint32)}


def narrowed_numpy(value: Any) -> np.ndarray:
    """``value`` as a numpy array of a supported dtype; 64-bit dtypes become 32-bit ones."""
    array = np.asarray(value)
    name = array.dtype.name
    if name in dtypes.SUPPORTED:
        return array
    narrowed = dtypes.NARROWED.get(name)
    if narrowed is None:
        raise TypeError(
            f"Cannot make a tensor of dtype {name} (received {type(value).__name__}); "
            f"expected numbers or booleans of a supported dtype: {', '.join(dtypes.SUPPORTED)}."
        )
    limits = _NARROWED_INT_RANGES.get(name)
    if limits is not None and array.size and (array.min() < limits.min or array.max() > limits.max):
        raise OverflowError(
            f"{name} values in [{array.min()}, {array.max()}] do not fit {narrowed} "
            f"([{limits.min}, {limits.max}]); tensors hold at most 32-bit integers."
        )
    return array.astype(narrowed)


def int_tuple(values: Any, what: str) -> tuple[int, ...]:
    """An int or a sequence of ints (an op's shape, axes or sizes argument) as a tuple of ints."""
    items = np.asarray(values)
    if items.ndim > 1 or items.dtype.kind not in "iu" and items.size:
        raise TypeError(f"{what} must be an int or a sequence of ints; received {values!r}.")
    return tuple(int(item) for item in items.reshape(-1))
