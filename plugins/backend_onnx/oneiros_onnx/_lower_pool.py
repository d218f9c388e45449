"""Max and average pooling on ONNX MaxPool and AveragePool (channels-first inside)."""

from __future__ import annotations

from typing import Any

from oneiros_onnx._dispatch import lowered
from oneiros_onnx._dtypes import FLOATS, lowest
from oneiros_onnx._graph import Symbol
from oneiros.backend.geometry import (
    check_format,
    check_padding,
    output_size,
    padding_amounts,
    per_axis,
)
from oneiros_onnx._spatial import channels_first, check_rank, restore_format
from oneiros_onnx._trace import emit
from oneiros_onnx._values import cast, filled, float_result, tensor

__all__ = ["average_pool", "max_pool"]


def _pool(op_type: str, inputs: Any, pool_size: Any, strides: Any, padding: str, data_format: str,
          name_of: Any, empty_value: Any, **attributes: Any) -> Symbol:
    check_format(data_format)
    original = tensor(inputs)
    rank = check_rank(original, op_type)
    name = name_of(original.dtype)
    # Integers pool in float64, which holds every int32 exactly.
    work = "float32" if name in FLOATS - {"float64"} else "float64"
    x = channels_first(cast(original, work), data_format)
    window = per_axis(pool_size, rank, "pool_size")
    steps = window if strides is None else per_axis(strides, rank, "strides")
    mode = check_padding(padding)
    spatial = [int(size) for size in x.shape[2:]]
    pads = [padding_amounts(spatial[axis], window[axis], steps[axis], mode) for axis in range(rank)]
    out_spatial = [output_size(spatial[axis] + sum(pads[axis]), window[axis], steps[axis]) for axis in range(rank)]
    shape = (*x.shape[:2], *out_spatial)
    if 0 in out_spatial:
        result = filled(shape, empty_value(name), work)
    else:
        result = emit(op_type, [x], shape, work, kernel_shape=list(window), strides=list(steps),
                      pads=[before for before, _ in pads] + [after for _, after in pads], **attributes)
    return cast(restore_format(result, data_format), name)


@lowered
def max_pool(inputs: Any, pool_size: Any, strides: Any = None, padding: str = "valid",
             data_format: str = "channels_last") -> Symbol:
    # MaxPool ignores padded positions, as the reference's -inf padding does.
    return _pool("MaxPool", inputs, pool_size, strides, padding, data_format, lambda name: name, lowest)


@lowered
def average_pool(inputs: Any, pool_size: Any, strides: Any = None, padding: str = "valid",
                 data_format: str = "channels_last") -> Symbol:
    # count_include_pad=0: 'same' windows average only their real elements.
    return _pool("AveragePool", inputs, pool_size, strides, padding, data_format, float_result, lambda name: 0.0,
                 count_include_pad=0)
