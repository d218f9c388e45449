"""Dense: a fully connected layer, ``activation(inputs @ kernel + bias)``."""

from __future__ import annotations

from typing import Any

from oneiros import activations, constraints, initializers, ops, regularizers
from oneiros.layers.layer import InputSpec, Layer
from oneiros.quantizers import QuantizationConfig
from oneiros.quantizers import _layers as quantized


class Dense(Layer):
    """A fully connected layer on the last axis.

    ``quantize("int8")`` stores the kernel as int8 with one scale per unit and multiplies int8
    inputs (quantized per row at call time), as Keras's; the dtype policy becomes
    ``"int8_from_float32"``, which saved files record.

    Example::

        layer = oi.layers.Dense(4, activation="relu")
        y = layer(np.ones((2, 3), "float32"))     # shape (2, 4)
    """

    supports_masking = True

    def __init__(self, units: int, activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, quantization_config: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            raise ValueError(f"Dense units must be a positive int; received {units!r}.")
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.quantization_config = quantized.config_argument(quantization_config)
        self.input_spec = InputSpec(min_ndim=1)

    def build(self, input_shape: tuple) -> None:
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(f"Dense {self.name!r} needs a known last axis; received shape {input_shape}.")
        int8 = self.dtype_policy.quantization_mode == "int8"
        self.kernel = self.add_weight(
            shape=(input_dim, self.units), initializer="zeros" if int8 else self.kernel_initializer,
            regularizer=None if int8 else self.kernel_regularizer,
            constraint=None if int8 else self.kernel_constraint, name="kernel",
            **({"dtype": "int8", "trainable": False} if int8 else {}),
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=(self.units,), initializer=self.bias_initializer,
                regularizer=self.bias_regularizer, constraint=self.bias_constraint, name="bias",
            )
        if int8:
            self.kernel_scale = quantized.scale_weight(self, "kernel_scale", (self.units,))
            self.inputs_quantizer = quantized.inputs_quantizer(self.quantization_config)
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_dim})

    def quantize(self, mode: str | None = None, type_check: bool = True,
                 config: QuantizationConfig | None = None) -> None:
        """Replaces the float kernel by int8 values and per-unit scales (Keras's
        ``Dense.quantize``); ``config`` picks the weight and input quantizers."""
        mode, config = quantized.start_quantizing(self, Dense, mode, config, type_check)
        values, scale = quantized.weight_quantizer(config, axis=0)(self.kernel.value, to_numpy=True)
        self.quantization_config = config
        self.kernel = quantized.replace_with_int8(self, self.kernel, values)
        self.kernel_scale = quantized.scale_weight(self, "kernel_scale", (self.units,))
        self.kernel_scale.assign(ops.squeeze(scale, axis=0))
        self.inputs_quantizer = quantized.inputs_quantizer(config)
        self.dtype_policy = quantized.quantized_policy(self, mode)

    def call(self, inputs: Any) -> Any:
        if self.dtype_policy.quantization_mode == "int8":
            outputs = quantized.int8_product(inputs, self.kernel.value, self.kernel_scale.value,
                                             self.inputs_quantizer, self.compute_dtype)
        else:
            outputs = ops.matmul(inputs, self.kernel.value)
        if self.bias is not None:
            outputs = ops.add(outputs, self.bias.value)
        return self.activation(outputs)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (*input_shape[:-1], self.units)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            **self.serialized("kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
                              "activity_regularizer", "kernel_constraint", "bias_constraint"),
            **quantized.config_entries(self.quantization_config),
        }
