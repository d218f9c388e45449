"""ImageNet helpers shared by the applications: ``preprocess_input`` and ``decode_predictions``.

Example:
    >>> x = oi.applications.imagenet_utils.preprocess_input(images, mode="torch")
    >>> oi.applications.imagenet_utils.decode_predictions(model.predict(x), top=3)
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np

CLASS_INDEX_URL = "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"
CLASS_INDEX_HASH = "c2c37ea517e94d9795004a39431a14cb"
CLASS_INDEX_MIRROR_VARIABLE = "ONEIROS_IMAGENET_CLASS_INDEX_URL"
"""Replaces ``CLASS_INDEX_URL`` (a mirror serving the same JSON file)."""

MODES = ("caffe", "tf", "torch")
CAFFE_MEAN = (103.939, 116.779, 123.68)
TORCH_MEAN = (0.485, 0.456, 0.406)
TORCH_STD = (0.229, 0.224, 0.225)
DATA_FORMATS = (None, "channels_last", "channels_first")

_class_index: dict[str, list[str]] | None = None


def preprocess_input(x: Any, data_format: str | None = None, mode: str = "caffe") -> Any:
    """Scales a batch of RGB images with values in [0, 255] as the ImageNet weights expect.

    ``mode``: "caffe" (RGB to BGR, minus the ImageNet channel means), "tf" (to [-1, 1]) or "torch"
    (to [0, 1], then each channel standardized). A float numpy array is overwritten in place and
    returned, as in Keras; a tensor gives a new tensor.
    """
    if mode not in MODES:
        raise ValueError(f"preprocess_input: `mode` must be one of {MODES}; received mode={mode!r}.")
    if data_format not in DATA_FORMATS:
        raise ValueError(f"preprocess_input: `data_format` must be one of {DATA_FORMATS}; "
                         f"received data_format={data_format!r}.")
    channel_axis = -1 if data_format in (None, "channels_last") else (0 if len(x.shape) == 3 else 1)
    if isinstance(x, np.ndarray):
        return _preprocess_array(x, channel_axis, mode)
    return _preprocess_tensor(x, channel_axis, mode)


def _channel_shape(ndim: int, channel_axis: int) -> tuple[int, ...]:
    shape = [1] * ndim
    shape[channel_axis] = 3
    return tuple(shape)


def _preprocess_array(x: np.ndarray, channel_axis: int, mode: str) -> np.ndarray:
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype("float32")
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    shape = _channel_shape(x.ndim, channel_axis)
    if mode == "torch":
        x /= 255.0
        x -= np.reshape(np.asarray(TORCH_MEAN, x.dtype), shape)
        x /= np.reshape(np.asarray(TORCH_STD, x.dtype), shape)
        return x
    x = np.flip(x, axis=channel_axis)
    x -= np.reshape(np.asarray(CAFFE_MEAN, x.dtype), shape)
    return x


def _preprocess_tensor(x: Any, channel_axis: int, mode: str) -> Any:
    from oneiros import ops

    if mode == "tf":
        return x / 127.5 - 1.0
    shape = _channel_shape(len(x.shape), channel_axis)
    if mode == "torch":
        mean = ops.reshape(ops.convert_to_tensor(np.asarray(TORCH_MEAN), dtype=x.dtype), shape)
        std = ops.reshape(ops.convert_to_tensor(np.asarray(TORCH_STD), dtype=x.dtype), shape)
        return (x / 255.0 - mean) / std
    mean = ops.reshape(ops.convert_to_tensor(np.asarray(CAFFE_MEAN), dtype=x.dtype), shape)
    return ops.flip(x, axis=channel_axis) - mean


def class_index() -> dict[str, list[str]]:
    """ImageNet's ``{"0": ["n01440764", "tench"], ...}``, fetched with its checksum into ``$ONEIROS_HOME/models``."""
    global _class_index
    if _class_index is None:
        from oneiros.utils import get_file

        path = get_file("imagenet_class_index.json", os.environ.get(CLASS_INDEX_MIRROR_VARIABLE) or CLASS_INDEX_URL,
                        cache_subdir="models", file_hash=CLASS_INDEX_HASH)
        with open(path, encoding="utf-8") as stream:
            _class_index = json.load(stream)
    return _class_index


def decode_predictions(preds: Any, top: int = 5) -> list[list[tuple[str, str, float]]]:
    """The ``top`` ImageNet classes of each row of ``preds`` (shape (samples, 1000)), best first, as
    ``(class_name, class_description, score)``."""
    preds = np.asarray(preds)
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError("decode_predictions: expected a batch of ImageNet predictions, shape (samples, 1000); "
                         f"received shape {preds.shape}.")
    if not isinstance(top, int) or top < 1:
        raise ValueError(f"decode_predictions: `top` must be a positive integer; received top={top!r}.")
    index = class_index()
    results = []
    for row in preds:
        best = row.argsort()[-top:][::-1]
        decoded = [(*index[str(i)], row[i]) for i in best]
        decoded.sort(key=lambda item: item[2], reverse=True)
        results.append(decoded)
    return results
