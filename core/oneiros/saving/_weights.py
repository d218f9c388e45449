"""Weights as safetensors: written by the ``safetensors`` library, and validated by us before it
reads anything, so a hostile header cannot make it allocate or read out of bounds."""

from __future__ import annotations

import struct
from typing import Any

import numpy as np

from oneiros.errors import CorruptFileError, ResourceLimitError, WeightsMismatchError
from oneiros.saving._limits import LoadLimits, parse_json

ITEM_SIZES = {"BOOL": 1, "U8": 1, "I8": 1, "U16": 2, "I16": 2, "U32": 4, "I32": 4, "F16": 2, "F32": 4}
NUMPY_NAMES = {"BOOL": "bool", "U8": "uint8", "I8": "int8", "U16": "uint16", "I16": "int16", "U32": "uint32",
               "I32": "int32", "F16": "float16", "F32": "float32"}
STORED_AS_FLOAT32 = "bfloat16"
"""numpy (and so safetensors.numpy) has no bfloat16: such weights are stored exactly as float32."""


def encode(tensors: dict[str, np.ndarray], metadata: dict[str, str] | None = None) -> bytes:
    from safetensors.numpy import save

    prepared = {}
    for name, array in tensors.items():
        array = np.asarray(array, order="C")
        if str(array.dtype) == STORED_AS_FLOAT32:
            array = array.astype(np.float32)
        prepared[name] = array
    return save(prepared, metadata=metadata)


def validate_header(data: bytes, limits: LoadLimits) -> dict[str, Any]:
    """The parsed header of a safetensors buffer, after checking every entry against the buffer."""
    if len(data) > limits.max_weights_bytes:
        raise ResourceLimitError(f"The weights are {len(data)} bytes; the limit is {limits.max_weights_bytes}.")
    if len(data) < 8:
        raise CorruptFileError(f"The weights file is {len(data)} bytes; a safetensors file has at least 8.")
    (header_size,) = struct.unpack("<Q", data[:8])
    if header_size > limits.max_header_bytes:
        raise ResourceLimitError(f"The safetensors header claims {header_size} bytes; the limit is "
                                 f"{limits.max_header_bytes}.")
    if 8 + header_size > len(data):
        raise CorruptFileError(f"The safetensors header claims {header_size} bytes but the file has "
                               f"{len(data) - 8} after the length field.")
    header = parse_json(data[8:8 + header_size], "the safetensors header", limits)
    if not isinstance(header, dict):
        raise CorruptFileError("The safetensors header must be a JSON object.")
    metadata = header.pop("__metadata__", None)
    if metadata is not None and not (isinstance(metadata, dict)
                                     and all(isinstance(v, str) for v in metadata.values())):
        raise CorruptFileError("The safetensors __metadata__ must map strings to strings.")
    if len(header) > limits.max_tensors:
        raise ResourceLimitError(f"The weights file holds {len(header)} tensors; the limit is {limits.max_tensors}.")
    buffer_size = len(data) - 8 - header_size
    spans = []
    for name, entry in header.items():
        if not isinstance(entry, dict) or set(entry) != {"dtype", "shape", "data_offsets"}:
            raise CorruptFileError(f"Tensor {name!r}: an entry needs exactly dtype, shape and data_offsets.")
        dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
        if not isinstance(dtype, str) or dtype not in ITEM_SIZES:
            raise CorruptFileError(f"Tensor {name!r} has dtype {dtype!r}; supported: {sorted(ITEM_SIZES)}.")
        if not isinstance(shape, list) or not all(type(d) is int and d >= 0 for d in shape):
            raise CorruptFileError(f"Tensor {name!r} has shape {shape!r}; expected a list of non-negative ints.")
        if (not isinstance(offsets, list) or len(offsets) != 2 or not all(type(o) is int for o in offsets)
                or not 0 <= offsets[0] <= offsets[1] <= buffer_size):
            raise CorruptFileError(f"Tensor {name!r} has data_offsets {offsets!r}; expected [begin, end] within "
                                   f"the {buffer_size}-byte data section.")
        expected = ITEM_SIZES[dtype]
        for dim in shape:
            expected *= dim
        if offsets[1] - offsets[0] != expected:
            raise CorruptFileError(f"Tensor {name!r}: shape {shape} of {dtype} needs {expected} bytes; its offsets "
                                   f"span {offsets[1] - offsets[0]}.")
        spans.append((offsets[0], offsets[1], name))
    position = 0
    for begin, end, name in sorted(spans):
        if begin != position:
            raise CorruptFileError(f"Tensor {name!r} starts at byte {begin}; expected {position} (the data "
                                   "section must be covered without holes or overlaps).")
        position = end
    if position != buffer_size:
        raise CorruptFileError(f"The tensors cover {position} bytes of a {buffer_size}-byte data section.")
    return {"tensors": header, "metadata": metadata or {}}


def decode(data: bytes, limits: LoadLimits) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Validated tensors (numpy arrays) and metadata from a safetensors buffer."""
    header = validate_header(data, limits)
    from safetensors.numpy import load

    try:
        tensors = load(data)
    except Exception as exc:  # the library's own exception types vary by version
        raise CorruptFileError(f"The weights could not be read: {exc}.") from None
    return tensors, header["metadata"]


def matched(name: str, stored: np.ndarray, shape: tuple, dtype: str, allow_non_finite: bool) -> np.ndarray:
    """``stored`` as the value of a weight of ``shape`` and ``dtype``, or a WeightsMismatchError."""
    if tuple(stored.shape) != tuple(shape):
        raise WeightsMismatchError(f"Weight {name!r}: the file holds shape {tuple(stored.shape)}, the model "
                                   f"expects {tuple(shape)}.")
    if dtype == STORED_AS_FLOAT32 and stored.dtype == np.float32:
        import ml_dtypes

        converted = stored.astype(ml_dtypes.bfloat16)
        if not np.array_equal(converted.astype(np.float32), stored, equal_nan=True):
            raise WeightsMismatchError(f"Weight {name!r} is bfloat16 but the file's float32 values are not "
                                       "exactly representable in bfloat16.")
        stored = converted
    elif str(stored.dtype) != dtype:
        raise WeightsMismatchError(f"Weight {name!r}: the file holds {stored.dtype}, the model expects {dtype}.")
    if not allow_non_finite and stored.dtype.kind == "f" and not np.isfinite(stored.astype(np.float32)).all():
        raise WeightsMismatchError(f"Weight {name!r} holds NaN or infinite values; pass allow_non_finite=True "
                                   "to load them anyway.")
    return stored
