"""What Dense, EinsumDense and Embedding share to hold int8 weights: checking a quantize call,
swapping a float weight for an int8 one in place, and the de-scaled int8 product."""

from __future__ import annotations

from typing import Any

from oneiros import ops
from oneiros.layers.dtype_policy import DTypePolicy
from oneiros.quantizers import AbsMaxQuantizer, QuantizationConfig, deserialize, quantization_config_for, serialize


def start_quantizing(layer: Any, exact_type: type, mode: str | None, config: QuantizationConfig | None,
                     type_check: bool) -> tuple[str, QuantizationConfig | None]:
    """The checked ``(mode, config)`` of ``layer.quantize(...)``; errors for subclasses (their
    ``call`` may not use the int8 path), unbuilt and already-quantized layers."""
    chosen, config = quantization_config_for(mode, config)
    if type_check and type(layer) is not exact_type:
        raise NotImplementedError(f"{type(layer).__name__} subclasses {exact_type.__name__} and does not implement "
                                  "quantize(); pass type_check=False if its call() is the parent's.")
    if not layer.built:
        raise ValueError(f"{type(layer).__name__} {layer.name!r} must be built before quantize(); call the model "
                         "on data (or build it) first.")
    if layer.dtype_policy.quantization_mode is not None:
        raise ValueError(f"{type(layer).__name__} {layer.name!r} is already quantized "
                         f"({layer.dtype_policy.name!r}).")
    return chosen, config


def quantized_policy(layer: Any, mode: str) -> DTypePolicy:
    """Keras's name for ``layer``'s policy once quantized: ``"int8_from_float32"``."""
    return DTypePolicy(f"{mode}_from_{layer.dtype_policy.name}")


def replace_with_int8(layer: Any, variable: Any, values: Any) -> Any:
    """A non-trainable int8 weight holding ``values``, with ``variable``'s name and place among the
    layer's weights (so saved files and ``get_weights`` order match Keras's)."""
    own = layer._own_variables
    index = next(position for position, held in enumerate(own) if held is variable)
    del own[index]
    replacement = layer.add_weight(shape=variable.shape, initializer="zeros", dtype="int8", trainable=False,
                                   name=variable.name)
    own.insert(index, own.pop())
    replacement.assign(values)
    return replacement


def scale_weight(layer: Any, name: str, shape: tuple[int, ...]) -> Any:
    return layer.add_weight(shape=shape, initializer="ones", trainable=False, name=name)


def weight_quantizer(config: QuantizationConfig | None, axis: int) -> Any:
    return QuantizationConfig.weight_quantizer_or_default(config, AbsMaxQuantizer(axis=axis))


def inputs_quantizer(config: QuantizationConfig | None) -> Any:
    return QuantizationConfig.activation_quantizer_or_default(config, AbsMaxQuantizer())


def int8_product(inputs: Any, kernel: Any, kernel_scale: Any, quantizer: Any, compute_dtype: str,
                 product: Any = ops.matmul, inputs_axis: Any = -1, align_inputs_scale: Any = None) -> Any:
    """``product(inputs, kernel)`` from int8 values, de-scaled: the inputs quantized by
    ``quantizer`` along ``inputs_axis`` (unless None; their scale laid out by
    ``align_inputs_scale``), the integer products summed in ``compute_dtype`` on every backend,
    divided by the kernel's and the inputs' scales."""
    scale = kernel_scale
    if quantizer is not None:
        inputs, inputs_scale = quantizer(inputs, axis=inputs_axis)
        if align_inputs_scale is not None:
            inputs_scale = align_inputs_scale(inputs_scale)
        scale = ops.multiply(scale, inputs_scale)
    outputs = product(ops.cast(inputs, compute_dtype), ops.cast(kernel, compute_dtype))
    return ops.divide(outputs, scale)


def config_argument(value: Any) -> QuantizationConfig | None:
    """A layer's ``quantization_config`` argument: a config, None, or its serialized form (from a file)."""
    return deserialize(value) if isinstance(value, dict) else value


def config_entries(config: QuantizationConfig | None) -> dict[str, Any]:
    """The layer config's ``quantization_config`` entry, present only when one is set."""
    return {} if config is None else {"quantization_config": serialize(config)}
