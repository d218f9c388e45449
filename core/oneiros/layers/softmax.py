"""Softmax: normalizes logits to probabilities along one or several axes, with an optional mask."""

from __future__ import annotations

from typing import Any

from oneiros import activations, arguments, ops
import oneiros.layers._validation as _validation
from oneiros.layers.layer import Layer


def _large_negative_number(dtype: str) -> float:
    """What masked logits become: far below any real logit yet finite in ``dtype``, as in Keras."""
    return -3e4 if dtype == "float16" else -1e9


class Softmax(Layer):
    """``exp(x) / sum(exp(x))`` along ``axis`` (an int or a list of ints). Where ``mask`` (broadcastable
    to the inputs; booleans, or numbers with > 0.5 meaning kept) is False the output is 0 (Keras's
    ``layers.Softmax``).

    Example::

        y = oi.layers.Softmax()(np.array([1.0, 2.0, 1.0], "float32"))     # [0.2119, 0.5761, 0.2119]
        y = oi.layers.Softmax()(logits, mask=np.array([[True, True, False]]))
    """

    supports_masking = True

    def __init__(self, axis: int | list[int] = -1, **kwargs: Any):
        self.axis = arguments.config_axes(arguments.axes(type(self).__name__, "axis", axis))
        super().__init__(**kwargs)

    def call(self, inputs: Any, mask: Any = None) -> Any:
        if mask is not None:
            mask = self._boolean_mask(inputs, mask)
            inputs = ops.where(mask, inputs, _large_negative_number(str(ops.dtype(inputs))))
        if isinstance(self.axis, list) and len(self.axis) > 1:
            axes = tuple(self.axis)
            outputs = ops.exp(ops.subtract(inputs, ops.logsumexp(inputs, axis=axes, keepdims=True)))
        else:
            outputs = activations.softmax(inputs, axis=self.axis[0] if isinstance(self.axis, list) else self.axis)
        if mask is not None:
            # A fully masked axis would otherwise come out uniform.
            outputs = ops.where(mask, outputs, 0.0)
        return outputs

    def _boolean_mask(self, inputs: Any, mask: Any) -> Any:
        mask = ops.convert_to_tensor(mask)
        input_shape, mask_shape = tuple(ops.shape(inputs)), tuple(ops.shape(mask))
        if len(mask_shape) > len(input_shape) or any(
                m != 1 and m != i for m, i in zip(reversed(mask_shape), reversed(input_shape))):
            raise ValueError(f"{_validation.describe(self)}: the mask must broadcast to the inputs (each mask size "
                             f"1 or the input's, no extra axes); received inputs.shape={input_shape}, "
                             f"mask.shape={mask_shape}.")
        if str(ops.dtype(mask)) != "bool":
            mask = ops.greater(mask, 0.5)
        return mask

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}
