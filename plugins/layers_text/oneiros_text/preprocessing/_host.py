"""Inputs of the host-side preprocessing layers: numpy arrays, never traced values.

String processing has no place in compiled code (backends have no string tensors), so these
layers run in numpy and Python on concrete data and hand integer or float tensors onward.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np


def host_array(owner: str, inputs: Any) -> np.ndarray:
    """``inputs`` as a numpy array; a traced value (inside a compiled step) gets an explanation."""
    try:
        return np.asarray(inputs)
    except TypeError as error:
        raise TypeError(
            f"{owner} runs on the host (numpy), outside compiled code, and cannot take the traced value "
            f"{type(inputs).__name__} it received inside a compiled step (fit, evaluate, predict). Apply it to "
            "the data first, e.g. `x = layer(texts)`, and train the model on x."
        ) from error


def as_strings(owner: str, array: np.ndarray, encoding: str = "utf-8") -> np.ndarray:
    """An object array of ``str`` (bytes decoded with ``encoding``) with the shape of ``array``."""
    if array.dtype.kind == "U":
        return array.astype(object)
    if array.dtype.kind not in "SO":
        raise ValueError(f"{owner} expects strings; received an array of dtype {array.dtype}.")
    flat = array.reshape(-1)
    converted = np.empty(flat.shape, dtype=object)
    for position, value in enumerate(flat):
        if isinstance(value, (bytes, np.bytes_)):
            value = bytes(value).decode(encoding)
        elif not isinstance(value, str):
            raise ValueError(f"{owner} expects strings; received {type(value).__name__} {value!r} at flat "
                             f"position {position}.")
        converted[position] = str(value)
    return converted.reshape(array.shape)


def adapt_batches(owner: str, data: Any, steps: int | None = None) -> Iterator[np.ndarray]:
    """The batches of what ``adapt`` was given: a list, a numpy array or an ``oneiros.data.Dataset``
    (its ``x``; at most ``steps`` batches)."""
    from oneiros.data import Dataset

    if isinstance(data, (str, bytes)):
        raise ValueError(f"{owner}.adapt expects a list, an array or an oneiros.data.Dataset of samples; received "
                         f"the single string {data!r}. Wrap it in a list.")
    if isinstance(data, Dataset):
        for index, item in enumerate(data.iterate(0)):
            if steps is not None and index >= steps:
                return
            yield host_array(owner, item[0] if isinstance(item, tuple) else item)
        return
    if steps is not None:
        raise ValueError(f"{owner}.adapt: `steps` applies to a Dataset only; received steps={steps!r} with "
                         f"{type(data).__name__} data.")
    yield host_array(owner, data)
