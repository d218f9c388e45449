"""EinsumDense: a dense layer whose contraction is any einsum equation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from oneiros import activations, constraints, initializers, ops, regularizers
import oneiros.layers._einsum_shapes as _einsum_shapes
import oneiros.layers._validation as _validation
from oneiros.layers.layer import InputSpec, Layer
from oneiros.quantizers import QuantizationConfig
from oneiros.quantizers import _layers as quantized
from oneiros.quantizers._einsum import analyze as einsum_quantization


class EinsumDense(Layer):
    """Computes ``activation(einsum(equation, inputs, kernel) + bias)``.

    ``equation`` is ``"<inputs>,<kernel>-><outputs>"`` in one of the forms ``"ab,bc->ac"``,
    ``"...b,bc->...c"`` (the ellipsis stands for the leading input axes, batch included) or
    ``"ab...,bc->ac..."`` (trailing axes). ``output_shape`` is the output's shape without the
    batch axis and the ellipsis axes (None where the input fixes the size); the kernel's shape
    follows from it and the input shape. ``bias_axes`` names the output axes that get a bias.

    Example::

        # A Dense over the last axis of a sequence, with 64 units and a bias:
        layer = oi.layers.EinsumDense("abc,cd->abd", output_shape=(None, 64), bias_axes="d")
        y = layer(np.ones((2, 5, 16), "float32"))      # shape (2, 5, 64); kernel (16, 64)
    """

    def __init__(self, equation: str, output_shape: int | Sequence[int | None], activation: Any = None,
                 bias_axes: str | None = None, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None, activity_regularizer: Any = None,
                 quantization_config: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self._equation = _einsum_shapes.parse(equation)
        if self._equation is None:
            raise ValueError(f"{owner}: argument `equation` must have the form {_einsum_shapes.FORMS_TEXT}; "
                             f"received equation={equation!r}.")
        partial = (output_shape,) if isinstance(output_shape, int) else output_shape
        if isinstance(partial, (str, bytes)) or not isinstance(partial, Sequence) or any(
                size is not None and (isinstance(size, bool) or not isinstance(size, int) or size <= 0)
                for size in partial):
            raise ValueError(f"{owner}: argument `output_shape` must be a positive int or a sequence of positive "
                             f"ints and None; received output_shape={output_shape!r}.")
        if bias_axes is not None and not isinstance(bias_axes, str):
            raise ValueError(f"{owner}: argument `bias_axes` must be None or a string of output subscripts; "
                             f"received bias_axes={bias_axes!r}.")
        self.equation = equation
        self.partial_output_shape = tuple(partial)
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.quantization_config = quantized.config_argument(quantization_config)

    def build(self, input_shape: tuple) -> None:
        shapes = self._shapes(input_shape)
        if self.dtype_policy.quantization_mode == "int8":
            self.kernel = self.add_weight(shape=shapes.kernel, initializer="zeros", dtype="int8", trainable=False,
                                          name="kernel")
        else:
            self.kernel = self.add_weight(shape=shapes.kernel, initializer=self._kernel_initializer(shapes),
                                          regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                          name="kernel")
        self.bias = None
        if shapes.bias is not None:
            self.bias = self.add_weight(shape=shapes.bias, initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                        name="bias")
        self.input_spec = InputSpec(ndim=len(input_shape))
        if self.dtype_policy.quantization_mode == "int8":
            self._quantization = einsum_quantization(self.equation, len(input_shape))
            self.kernel_scale = quantized.scale_weight(self, "kernel_scale",
                                                       self._quantization.kernel_scale_shape(shapes.kernel))
            self.inputs_quantizer = quantized.inputs_quantizer(self.quantization_config)

    def quantize(self, mode: str | None = None, type_check: bool = True,
                 config: QuantizationConfig | None = None) -> None:
        """Replaces the float kernel by int8 values with one scale per output channel, laid out
        as Keras's ``EinsumDense.quantize`` lays them out; inputs are quantized over the
        contracted axes at call time."""
        mode, config = quantized.start_quantizing(self, EinsumDense, mode, config, type_check)
        axes = einsum_quantization(self.equation, self.input_spec.ndim)
        values, scale = quantized.weight_quantizer(config, axis=axes.kernel_reduced)(self.kernel.value,
                                                                                    to_numpy=True)
        scale = axes.aligned(scale, "kernel")
        self._quantization = axes
        self.quantization_config = config
        self.kernel = quantized.replace_with_int8(self, self.kernel, values)
        self.kernel_scale = quantized.scale_weight(self, "kernel_scale", tuple(ops.shape(scale)))
        self.kernel_scale.assign(scale)
        self.inputs_quantizer = quantized.inputs_quantizer(config)
        self.dtype_policy = quantized.quantized_policy(self, mode)

    def call(self, inputs: Any) -> Any:
        if self.dtype_policy.quantization_mode == "int8":
            axes = self._quantization
            outputs = quantized.int8_product(
                inputs, self.kernel.value, self.kernel_scale.value, self.inputs_quantizer, self.compute_dtype,
                product=lambda left, right: ops.einsum(self.equation, left, right), inputs_axis=axes.input_reduced,
                align_inputs_scale=lambda scale: axes.aligned(scale, "input"))
        else:
            outputs = ops.einsum(self.equation, inputs, self.kernel.value)
        if self.bias is not None:
            outputs = ops.add(outputs, self.bias.value)
        outputs = self.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return self._shapes(input_shape).output

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "equation": self.equation,
            "output_shape": list(self.partial_output_shape),
            "activation": activations.serialize(self.activation),
            "bias_axes": self.bias_axes,
            **self.serialized("kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
                              "activity_regularizer", "kernel_constraint", "bias_constraint"),
            **quantized.config_entries(self.quantization_config),
        }

    def _shapes(self, input_shape: tuple) -> _einsum_shapes.EinsumShapes:
        try:
            return _einsum_shapes.analyze(self._equation, self.bias_axes, tuple(input_shape),
                                          self.partial_output_shape)
        except ValueError as error:
            raise ValueError(f"{_validation.describe(self)} with equation {self.equation!r}: {error}") from None

    def _kernel_initializer(self, shapes: _einsum_shapes.EinsumShapes) -> Any:
        """A variance-scaling initializer without fan axes gets the kernel's input and output axes,
        so its fans count the contracted and produced sizes (as Keras does)."""
        initializer = self.kernel_initializer
        if (isinstance(initializer, initializers.VarianceScaling) and initializer.input_axes is None
                and shapes.kernel_input_axes and shapes.kernel_output_axes):
            config = {**initializer.get_config(), "input_axes": list(shapes.kernel_input_axes),
                      "output_axes": list(shapes.kernel_output_axes)}
            return type(initializer).from_config(config)
        return initializer
