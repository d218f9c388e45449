"""HashedCrossing: crosses categorical features into hashed bins, bit for bit as Keras 3 does."""

from __future__ import annotations

from typing import Any

import numpy as np

from oneiros import arguments, ops
from oneiros.layers import Layer

from oneiros_text.preprocessing._host import as_strings, host_array

OUTPUT_MODES = ("int", "one_hot")
_MASK = (1 << 64) - 1
_MULTIPLIER = 0xC6A4A7935BD1E995
_HASH_KEY = 0xDECAFCAFFE
"""TensorFlow's ``sparse.cross_hashed`` default key, which Keras's HashedCrossing uses."""


def _shift_mix(value: int) -> int:
    return value ^ (value >> 47)


def _fingerprint_cat(first: int, second: int) -> int:
    """TensorFlow's ``FingerprintCat64``: combines two 64-bit fingerprints."""
    result = first ^ _MULTIPLIER
    result ^= (_shift_mix((second * _MULTIPLIER) & _MASK) * _MULTIPLIER) & _MASK
    result = (result * _MULTIPLIER) & _MASK
    result = (_shift_mix(result) * _MULTIPLIER) & _MASK
    return _shift_mix(result)


class HashedCrossing(Layer):
    """The bin in ``[0, num_bins)`` of each combination of two or more categorical features
    (Keras 3's HashedCrossing): ``layer((feature_a, feature_b))`` with integer or string
    features of equal shape ``()``, ``(batch,)`` or ``(batch, 1)``. Bins are exactly Keras's
    (TensorFlow's ``sparse.cross_hashed``: FarmHash ``Fingerprint64`` of strings, integers as
    they are, combined with ``FingerprintCat64`` from TensorFlow's key), so a model trained on
    Keras's crossed ids keeps its meaning. ``output_mode``: ``"int"`` (int64 bins, int32 where
    the backend has no int64) or ``"one_hot"``.

    It runs on the host in numpy and Python, not in compiled code: apply it to data before ``fit``.

    Example::

        layer = HashedCrossing(num_bins=5)
        layer((np.array([1, 2, 3]), np.array(["A", "B", "C"])))      # three bins in [0, 5)
    """

    supports_jit = False  # numpy on concrete arrays (see _host.py): models holding it run eagerly

    def __init__(self, num_bins: int, output_mode: str = "int", sparse: bool = False, **kwargs: Any):
        owner = type(self).__name__
        num_bins = arguments.positive_int(owner, "num_bins", num_bins)
        arguments.choice(owner, "output_mode", output_mode, OUTPUT_MODES)
        if sparse:
            raise ValueError(f"{owner}: `sparse=True` needs sparse tensors, which Oneiros backends do not have; "
                             "received sparse=True.")
        if output_mode == "int" and kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64"
        super().__init__(**kwargs)
        self.num_bins = num_bins
        self.output_mode = output_mode
        self.sparse = False

    def _autocast_inputs(self, inputs: Any) -> Any:
        # Features are ids or strings, never cast to the int64 output dtype (a float feature is refused).
        return inputs

    def _features(self, inputs: Any) -> list[np.ndarray]:
        owner = type(self).__name__
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError(f"{owner} {self.name!r} crosses a list or tuple of at least two features; received "
                             f"{inputs!r}.")
        arrays = [host_array(owner, feature) for feature in inputs]
        shape = arrays[0].shape
        if len(shape) > 2 or (len(shape) == 2 and shape[-1] != 1) or any(a.shape != shape for a in arrays):
            raise ValueError(f"{owner} {self.name!r}: every feature must have the same shape (), (batch,) or "
                             f"(batch, 1); received shapes {[a.shape for a in arrays]}.")
        for array in arrays:
            if array.dtype.kind not in "iuUSO":
                raise ValueError(f"{owner} {self.name!r} crosses integer or string features; received an array of "
                                 f"dtype {array.dtype}.")
        return arrays

    def call(self, inputs: Any) -> Any:
        arrays = self._features(inputs)
        shape = arrays[0].shape
        columns = [_fingerprints(array.reshape(-1)) for array in arrays]
        bins = []
        for row in zip(*columns):
            combined = _HASH_KEY
            for fingerprint in row:
                combined = _fingerprint_cat(combined, fingerprint)
            bins.append(combined % self.num_bins)
        ids = np.asarray(bins, "int64").reshape(shape)
        if self.output_mode == "int":
            return ops.convert_to_tensor(ids, self.dtype)
        if ids.ndim >= 1 and ids.shape[-1] == 1:
            ids = ids[..., 0]
        return ops.convert_to_tensor(np.eye(self.num_bins, dtype="float32")[ids], self.compute_dtype)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        first = tuple(input_shape[0])
        if self.output_mode == "int":
            return first
        return (*first[:-1], self.num_bins) if first and first[-1] == 1 else (*first, self.num_bins)

    def compute_output_dtype(self, input_dtype: Any) -> str:
        return self.dtype if self.output_mode == "int" else self.compute_dtype

    def get_config(self) -> dict[str, Any]:
        # Keras's keys only (no `trainable`), so Keras reads the config too.
        return {"name": self.name, "dtype": self.dtype_policy.name, "num_bins": self.num_bins,
                "output_mode": self.output_mode, "sparse": self.sparse}


def _fingerprints(values: np.ndarray) -> list[int]:
    """Each value's 64-bit fingerprint as TensorFlow's crossing takes it: FarmHash of the UTF-8
    bytes of a string, an integer's two's-complement bits."""
    if values.dtype.kind in "iu":
        return [int(value) & _MASK for value in values.tolist()]
    import farmhash

    return [farmhash.fingerprint64(text.encode("utf-8")) for text in as_strings("HashedCrossing", values).tolist()]
