"""Lambda: wraps a Python function as a layer (for quick experiments; it cannot be saved)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

from oneiros.errors import OneirosError
from oneiros.layers.layer import Layer


class Lambda(Layer):
    """Calls ``function(inputs, **arguments)``; ``function`` is written with ``oneiros.ops``. If it
    accepts ``training`` or ``mask`` arguments, it receives them.

    ``output_shape`` is the output shape without the batch axis, or a function of the input
    shape; when None the shape is found by calling ``function`` on zeros. ``mask`` is the output
    mask: a tensor, or a function ``mask(inputs, input_mask)``; when None the mask is dropped.

    A config never holds code, so a Lambda layer's config marks it ``unsafe`` and loading it
    is refused; write a registered ``Layer`` subclass for a model you mean to save.

    Example::

        double = oi.layers.Lambda(lambda x: oi.ops.multiply(x, 2.0))
        y = double(np.ones((2, 3), "float32"))        # all 2.0
    """

    def __init__(self, function: Callable[..., Any], output_shape: Sequence[int | None] | Callable | None = None,
                 mask: Any = None, arguments: dict[str, Any] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda: argument `function` must be callable; received {function!r}.")
        if output_shape is not None and not callable(output_shape) and (
                isinstance(output_shape, (str, bytes)) or not isinstance(output_shape, Sequence)):
            raise ValueError(f"Lambda: argument `output_shape` must be None, a shape without the batch axis "
                             f"or a function of the input shape; received output_shape={output_shape!r}.")
        if arguments is not None and not isinstance(arguments, dict):
            raise ValueError(f"Lambda: argument `arguments` must be a dict of keyword arguments for "
                             f"`function`; received arguments={arguments!r}.")
        self.function = function
        self._output_shape = output_shape if output_shape is None or callable(output_shape) else tuple(output_shape)
        self.mask = mask
        self.supports_masking = mask is not None
        self.arguments = dict(arguments or {})
        parameters = _parameter_names(function)
        self._passes_training = "training" in parameters
        self._passes_mask = "mask" in parameters

    def call(self, inputs: Any, mask: Any = None, training: bool | None = None) -> Any:
        arguments = dict(self.arguments)
        if self._passes_mask:
            arguments["mask"] = mask
        if self._passes_training:
            arguments["training"] = training
        return self.function(inputs, **arguments)

    def compute_output_shape(self, input_shape: Any) -> Any:
        if self._output_shape is None:
            return super().compute_output_shape(input_shape)
        if callable(self._output_shape):
            return tuple(self._output_shape(input_shape))
        first = input_shape if all(dim is None or isinstance(dim, int) for dim in input_shape) else input_shape[0]
        return (first[0], *self._output_shape)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return self.mask(inputs, mask) if callable(self.mask) else self.mask

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "function": None, "unsafe": True}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Lambda:
        from oneiros.saving import refuse_code

        refuse_code(f"Lambda layer {config.get('name')!r}")
        raise OneirosError(
            f"Lambda layers carry code and are refused when loading (layer {config.get('name')!r}): a config "
            "never stores or runs Python code, so safe_mode loading cannot recreate it. Rebuild the layer in "
            "code, or write a registered Layer subclass for models you save."
        )


def _parameter_names(function: Callable[..., Any]) -> set[str]:
    try:
        return set(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return set()
