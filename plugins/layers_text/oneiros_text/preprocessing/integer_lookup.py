"""IntegerLookup: integer values to vocabulary indices (or back), on the host."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from oneiros_text.preprocessing._index_lookup import IndexLookup


def _integer(value: Any) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)):
        raise ValueError(f"IntegerLookup: vocabulary entries must be ints; received {value!r}.")
    return int(value)


def _floormod_buckets(tokens: list, buckets: int) -> np.ndarray:
    return np.mod(np.asarray(tokens, dtype=np.int64), buckets)


class IntegerLookup(IndexLookup):
    """Maps integer values (e.g. raw category ids) to contiguous indices, with Keras 3's arguments
    and index layout: in ``output_mode="int"`` the ``mask_token`` (if set) is index 0, then
    ``num_oov_indices`` indices for unknown values (``oov_token``, default -1), then the
    vocabulary. Other output modes, ``invert``, ``adapt``, the config and host-side execution
    as in :class:`StringLookup`. With several OOV indices an unknown value goes to bucket
    ``value % num_oov_indices``, as in Keras.

    Example::

        layer = IntegerLookup(vocabulary=[12, 36, 1138])
        layer(np.array([[12, 1138], [42, 36]]))       # [[1, 3], [0, 2]]
    """

    asset_token_type = int

    def __init__(self, max_tokens: int | None = None, num_oov_indices: int = 1, mask_token: int | None = None,
                 oov_token: int = -1, vocabulary: Any = None, idf_weights: Any = None, invert: bool = False,
                 output_mode: str = "int", pad_to_max_tokens: bool = False, **kwargs: Any):
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=None if mask_token is None else _integer(mask_token),
                         oov_token=_integer(oov_token), vocabulary=vocabulary, idf_weights=idf_weights,
                         invert=invert, output_mode=output_mode, pad_to_max_tokens=pad_to_max_tokens,
                         oov_buckets=_floormod_buckets, convert_token=_integer, **kwargs)

    def _tokens(self, array: np.ndarray) -> list:
        if array.dtype.kind not in "iu":
            raise ValueError(f"IntegerLookup {self.name!r} expects integers; received an array of dtype "
                             f"{array.dtype}.")
        return array.reshape(-1).tolist()

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), **self._lookup_config()}
