"""Hashing: strings or integers to a fixed number of bins, with a stable hash, on the host."""

from __future__ import annotations

from typing import Any

import numpy as np

from oneiros import arguments, ops
from oneiros.layers import Layer

from oneiros_text.preprocessing._hashing import hash_strings, salt_key
from oneiros_text.preprocessing._host import as_strings, host_array

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


class Hashing(Layer):
    """Hashes each value into one of ``num_bins`` bins, with Keras 3's arguments: strings as they
    are, integers by their decimal text (as Keras does). The bins are Keras's: FarmHash
    Fingerprint64 modulo the bins, or with ``salt`` (an int or a pair of ints) SipHash-2-4 keyed by
    it; stable across processes and machines. With ``mask_value`` set, that
    value goes to bin 0 and the others to bins 1..num_bins-1. ``output_mode``: ``"int"``
    (int32 bins), ``"one_hot"``, ``"multi_hot"`` or ``"count"`` (float32, width num_bins).

    It runs in numpy on the host, not in compiled code: apply it to data before ``fit``.

    Example::

        layer = Hashing(num_bins=3)
        layer(np.array([["A"], ["B"], ["C"], ["D"], ["E"]]))      # int32 bins in [0, 3), shape (5, 1)
    """

    supports_jit = False  # numpy on concrete arrays (see _host.py): models holding it run eagerly

    def __init__(self, num_bins: int, mask_value: Any = None, salt: Any = None, output_mode: str = "int",
                 **kwargs: Any):
        owner = type(self).__name__
        num_bins = arguments.positive_int(owner, "num_bins", num_bins)
        if mask_value is not None and num_bins < 2:
            raise ValueError(f"{owner}: mask_value needs num_bins >= 2 (bin 0 is the mask); received "
                             f"num_bins={num_bins}.")
        key = salt_key(owner, salt)
        arguments.choice(owner, "output_mode", output_mode, OUTPUT_MODES)
        super().__init__(**kwargs)
        self.num_bins = num_bins
        self.mask_value = mask_value
        self.salt = salt
        self.output_mode = output_mode
        self._key = key

    def _texts(self, array: np.ndarray) -> list[str]:
        if array.dtype.kind in "iu":
            return [str(value) for value in array.reshape(-1).tolist()]
        if array.dtype.kind in "USO":
            return as_strings(type(self).__name__, array).reshape(-1).tolist()
        raise ValueError(f"Hashing {self.name!r} hashes strings or integers; received an array of dtype {array.dtype}.")

    def call(self, inputs: Any) -> Any:
        array = host_array(type(self).__name__, inputs)
        texts = self._texts(array)
        if self.mask_value is None:
            bins = hash_strings(texts, self.num_bins, self._key)
        else:
            masked = np.fromiter((text == str(self.mask_value) for text in texts), dtype=bool, count=len(texts))
            bins = np.where(masked, 0, 1 + hash_strings(texts, self.num_bins - 1, self._key))
        bins = bins.reshape(array.shape)
        if self.output_mode == "int":
            return ops.convert_to_tensor(bins.astype(np.int32), "int32")
        return ops.convert_to_tensor(_encode(bins, self.num_bins, self.output_mode), "float32")

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        if self.output_mode == "one_hot":
            kept = input_shape[:-1] if input_shape and input_shape[-1] == 1 else input_shape
            return (*kept, self.num_bins)
        return (input_shape[0], self.num_bins)

    def compute_output_dtype(self, input_dtype: Any) -> str:
        return "int32" if self.output_mode == "int" else "float32"

    def get_config(self) -> dict[str, Any]:
        salt = list(self.salt) if isinstance(self.salt, tuple) else self.salt
        return {**super().get_config(), "num_bins": self.num_bins, "mask_value": self.mask_value, "salt": salt,
                "output_mode": self.output_mode}


def _encode(bins: np.ndarray, depth: int, mode: str) -> np.ndarray:
    if mode == "one_hot":
        squeezed = bins[..., 0] if bins.ndim >= 1 and bins.shape[-1] == 1 else bins
        return np.eye(depth, dtype=np.float32)[squeezed]
    rows = bins.reshape(bins.shape[0], -1)
    counts = np.stack([np.bincount(row, minlength=depth) for row in rows]).astype(np.float32)
    return (counts > 0).astype(np.float32) if mode == "multi_hot" else counts
