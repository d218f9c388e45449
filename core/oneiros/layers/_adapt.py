"""The batches that ``adapt`` reads (Normalization, Discretization), as numpy arrays on the host."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from oneiros import ops


def adapt_batches(owner: str, data: Any, steps: int | None = None) -> Iterator[np.ndarray]:
    """One batch for an array or tensor; the batches of an ``oi.data.Dataset`` (its ``x``) or of any
    other iterable (a list of arrays, a generator), at most ``steps`` of them."""
    from oneiros.data import Dataset

    if isinstance(data, (str, bytes)) or data is None:
        raise TypeError(f"{owner}.adapt expects an array, a tensor, an oi.data.Dataset or an iterable of batches; "
                        f"received {data!r}.")
    if steps is not None and (isinstance(steps, bool) or not isinstance(steps, int) or steps <= 0):
        raise ValueError(f"{owner}.adapt: `steps` must be None or a positive int; received steps={steps!r}.")
    if isinstance(data, np.ndarray) or ops.is_tensor(data):
        yield np.asarray(ops.to_numpy(data) if ops.is_tensor(data) else data)
        return
    batches = data.iterate(0) if isinstance(data, Dataset) else data
    if not hasattr(batches, "__iter__"):
        raise TypeError(f"{owner}.adapt expects an array, a tensor, an oi.data.Dataset or an iterable of batches; "
                        f"received {type(data).__name__}.")
    count = 0
    for batch in batches:
        if steps is not None and count >= steps:
            return
        if isinstance(batch, tuple):
            batch = batch[0]
        yield np.asarray(ops.to_numpy(batch) if ops.is_tensor(batch) else batch)
        count += 1
    if count == 0:
        raise ValueError(f"{owner}.adapt received no batches; expected at least one.")
