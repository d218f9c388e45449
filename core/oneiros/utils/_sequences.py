"""pad_sequences: a list of variable-length sequences to one padded numpy array."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from oneiros import arguments

SIDES = ("pre", "post")


def pad_sequences(sequences: Sequence[Sequence[Any]], maxlen: int | None = None, dtype: Any = "int32",
                  padding: str = "pre", truncating: str = "pre", value: Any = 0.0) -> np.ndarray:
    """Pads (with ``value``) or truncates each sequence to ``maxlen`` (default: the longest), as
    ``keras.utils.pad_sequences``: ``"pre"`` pads / cuts at the start, ``"post"`` at the end.
    Sequences may hold scalars or equal-shaped arrays (the result is then
    ``(len(sequences), maxlen, *sample_shape)``).

    Example::

        pad_sequences([[1, 2, 3], [4, 5], [6]], maxlen=2)
        # array([[2, 3], [4, 5], [0, 6]], dtype=int32)
    """
    owner = "pad_sequences"
    arguments.choice(owner, "padding", padding, SIDES)
    arguments.choice(owner, "truncating", truncating, SIDES)
    if maxlen is not None and (isinstance(maxlen, bool) or not isinstance(maxlen, numbers.Integral) or maxlen <= 0):
        raise ValueError(f"{owner}: argument `maxlen` must be None or a positive int; received maxlen={maxlen!r}.")
    if isinstance(sequences, (str, bytes)) or not hasattr(sequences, "__len__"):
        raise ValueError(f"{owner}: `sequences` must be a list of sequences; received {type(sequences).__name__}.")
    arrays = []
    for index, sequence in enumerate(sequences):
        if not hasattr(sequence, "__len__") or isinstance(sequence, (str, bytes)):
            raise ValueError(f"{owner}: sequence {index} must be a sequence; received {sequence!r}.")
        arrays.append(np.asarray(sequence))
    sample_shapes = {array.shape[1:] for array in arrays if array.size}
    if len(sample_shapes) > 1:
        raise ValueError(f"{owner}: the sequences' elements must all have one shape; received shapes "
                         f"{sorted(sample_shapes)}.")
    sample_shape = sample_shapes.pop() if sample_shapes else ()
    is_text = np.dtype(dtype).kind in "USO"
    if isinstance(value, str) and not is_text:
        raise ValueError(f"{owner}: dtype {dtype!r} cannot hold the padding value {value!r}; use dtype=object "
                         "for text.")
    length = int(maxlen) if maxlen is not None else max((len(array) for array in arrays), default=0)
    padded = np.full((len(arrays), length, *sample_shape), value, dtype=dtype)
    for row, array in enumerate(arrays):
        if not array.size or not length:
            continue
        kept = array[-length:] if truncating == "pre" else array[:length]
        if padding == "post":
            padded[row, :len(kept)] = kept
        else:
            padded[row, length - len(kept):] = kept
    return padded
