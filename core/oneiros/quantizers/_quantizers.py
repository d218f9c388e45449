"""The quantizer functions and classes, written in ``oneiros.ops`` (or numpy on the host)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from oneiros import ops
from oneiros.backend._keras_settings import EPSILON

FINITE_MAX = {"float8_e4m3fn": 448.0, "float8_e5m2": 57344.0, "float16": 65504.0, "bfloat16": 3.3895313892515355e38}
"""The largest finite value of each narrow float (IEEE 754 and the OCP 8-bit float specification)."""


def abs_max_quantize(inputs: Any, axis: int | Sequence[int], value_range: tuple[int, int] = (-127, 127),
                     dtype: str = "int8", epsilon: float = EPSILON, to_numpy: bool = False) -> tuple[Any, Any]:
    """``(round(inputs * scale) clipped to value_range, scale)`` with ``scale = value_range[1] /
    (max |inputs| along axis + epsilon)`` (keepdims). ``to_numpy`` computes on the host, as Keras
    does when quantizing weights, to spare device memory."""
    if to_numpy:
        array = np.asarray(ops.to_numpy(inputs))
        axes = tuple(axis) if isinstance(axis, (list, tuple)) else axis
        scale = np.divide(value_range[1], np.add(np.max(np.abs(array), axis=axes, keepdims=True), epsilon))
        values = np.clip(np.round(np.multiply(array, scale)), value_range[0], value_range[1]).astype(dtype)
        return ops.convert_to_tensor(values), ops.convert_to_tensor(scale.astype(array.dtype))
    inputs = ops.convert_to_tensor(inputs)
    scale = ops.divide(value_range[1], ops.add(ops.max(ops.abs(inputs), axis=axis, keepdims=True), epsilon))
    scale = ops.cast(scale, ops.dtype(inputs))
    values = ops.clip(ops.round(ops.multiply(inputs, scale)), value_range[0], value_range[1])
    return ops.cast(values, dtype), scale


class Quantizer:
    """Base class: ``quantizer(x)`` returns ``(quantized x, scale)``; ``output_dtype`` the values' dtype."""

    def __init__(self, output_dtype: str = "int8"):
        self.output_dtype = output_dtype

    def __call__(self, x: Any) -> Any:
        return x

    def get_config(self) -> dict[str, Any]:
        return {"output_dtype": self.output_dtype}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Quantizer:
        return cls(**config)

    def __repr__(self) -> str:
        arguments = ", ".join(f"{key}={value!r}" for key, value in self.get_config().items())
        return f"{type(self).__name__}({arguments})"


class AbsMaxQuantizer(Quantizer):
    """:func:`abs_max_quantize` along ``axis`` (given here or per call; default -1, one scale per row).

    Example::

        values, scale = AbsMaxQuantizer()(x)        # x ~= values / scale
    """

    def __init__(self, axis: int | Sequence[int] | None = None, value_range: tuple[int, int] = (-127, 127),
                 epsilon: float = EPSILON, output_dtype: str = "int8"):
        super().__init__(output_dtype=output_dtype)
        self.axis = None if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
        low, high = value_range
        if output_dtype == "int8" and (low < -128 or high > 127):
            raise ValueError(f"Quantizer with output_dtype='int8' requires value_range within [-128, 127]; "
                             f"received value_range={tuple(value_range)}.")
        self.value_range = tuple(value_range)
        self.epsilon = epsilon

    def __call__(self, x: Any, axis: int | Sequence[int] | None = None, to_numpy: bool = False) -> tuple[Any, Any]:
        chosen = axis if axis is not None else self.axis if self.axis is not None else -1
        return abs_max_quantize(x, chosen, self.value_range, self.output_dtype, self.epsilon, to_numpy)

    def get_config(self) -> dict[str, Any]:
        config = {"value_range": self.value_range, "epsilon": self.epsilon, "output_dtype": self.output_dtype}
        if self.axis is not None:
            config["axis"] = self.axis
        return config


def compute_float8_scale(amax: Any, scale: Any, dtype_max: float, margin: int = 0) -> Any:
    """The new scale of a float8 tensor from its recent absolute maximum ``amax`` (NVIDIA
    Transformer Engine's rule: ``amax / dtype_max * 2**margin``, the old ``scale`` where amax is
    zero or not finite)."""
    previous = ops.reciprocal(scale)
    factor = ops.divide(ops.divide(dtype_max, amax), 2 ** margin)
    factor = ops.where(ops.greater(amax, 0.0), factor, previous)
    factor = ops.where(ops.isfinite(amax), factor, previous)
    return ops.reciprocal(factor)


def compute_float8_amax_history(x: Any, amax_history: Any) -> Any:
    """``amax_history`` rolled one step left, with ``max |x|`` as its first entry (as Keras)."""
    amax = ops.reshape(ops.cast(ops.max(ops.abs(x)), ops.dtype(amax_history)), (1,))
    return ops.concatenate([amax, amax_history[2:], amax_history[:1]]) if amax_history.shape[0] > 1 else amax


def quantize_and_dequantize(inputs: Any, scale: Any, quantized_dtype: str, compute_dtype: str) -> Any:
    """``inputs / scale`` clipped to ``quantized_dtype``'s finite range, cast to it and back, times ``scale``."""
    if quantized_dtype not in FINITE_MAX:
        raise ValueError(f"quantized_dtype must be one of {sorted(FINITE_MAX)}; received {quantized_dtype!r}.")
    limit = FINITE_MAX[quantized_dtype]
    values = ops.clip(ops.divide(inputs, ops.cast(scale, compute_dtype)), -limit, limit)
    values = ops.cast(values, quantized_dtype)
    return ops.multiply(ops.cast(values, compute_dtype), ops.cast(scale, compute_dtype))
