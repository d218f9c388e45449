"""A bound on the weights a config may create while it is being loaded.

A config names layer sizes, and building the layers allocates (and initialises) their weights
before the stored weights are compared with them: without a bound, a file of a few hundred bytes
declaring ``Dense(units=10**9)`` would make the loader allocate gigabytes. While a budget is set,
:func:`charge_weight` (called by ``Layer.add_weight`` before it initialises anything) refuses a
weight that would exceed it.
"""

from __future__ import annotations

import contextlib
import math
import threading
from collections.abc import Iterator

from oneiros.errors import ResourceLimitError

ITEM_SIZES = {"bool": 1, "uint8": 1, "int8": 1, "uint16": 2, "int16": 2, "float16": 2, "bfloat16": 2,
              "uint32": 4, "int32": 4, "float32": 4}
LARGEST_ITEM = 8


class _Budget(threading.local):
    remaining: int | None = None
    what: str = ""


_budget = _Budget()


@contextlib.contextmanager
def weight_budget(limit: int, what: str) -> Iterator[None]:
    """Weights created in the block may total ``limit`` bytes; ``what`` names the limit in errors."""
    previous = _budget.remaining, _budget.what
    _budget.remaining, _budget.what = limit, what
    try:
        yield
    finally:
        _budget.remaining, _budget.what = previous


def charge_weight(owner: str, shape: tuple[int, ...], dtype: str) -> None:
    """Counts a weight about to be created; ResourceLimitError if it exceeds the active budget."""
    if _budget.remaining is None:
        return
    size = ITEM_SIZES.get(str(dtype), LARGEST_ITEM) * math.prod(shape)
    if size > _budget.remaining:
        raise ResourceLimitError(
            f"Loading would create weight {owner!r} of shape {tuple(shape)} and dtype {dtype} ({size} bytes), "
            f"beyond {_budget.what} ({_budget.remaining} bytes left); the config declares larger layers "
            "than the file can hold."
        )
    _budget.remaining -= size
