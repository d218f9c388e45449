"""Embedding: integer indices to dense vectors, looked up in a trainable table."""

from __future__ import annotations

from typing import Any

import numpy as np

from oneiros import arguments, constraints, initializers, ops, regularizers
from oneiros.layers import Layer
from oneiros.quantizers import QuantizationConfig
from oneiros.quantizers import _layers as quantized



class Embedding(Layer):
    """Maps each index in ``[0, input_dim)`` to a vector of ``output_dim`` values (Keras 3 names
    and defaults). The table is the weight ``embeddings`` of shape ``(input_dim, output_dim)``.

    With ``mask_zero=True`` index 0 is padding: the layer emits the mask ``inputs != 0`` (True =
    keep), which recurrent and attention layers downstream respect; index 0 still has a row, so
    ``input_dim`` counts it. ``weights`` optionally gives the initial table (not saved in the config).
    ``quantize("int8")`` stores the table as int8 rows with one scale each (Keras's ``embeddings_scale``).

    Example::

        layer = Embedding(1000, 64, mask_zero=True)
        y = layer(np.array([[4, 20, 0]]))             # shape (1, 3, 64)
        layer.compute_mask(np.array([[4, 20, 0]]))    # [[True, True, False]]
    """

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer: Any = "uniform",
                 embeddings_regularizer: Any = None, embeddings_constraint: Any = None,
                 activity_regularizer: Any = None, mask_zero: bool = False, weights: Any = None,
                 quantization_config: Any = None, **kwargs: Any):
        owner = type(self).__name__
        input_dim = arguments.positive_int(owner, "input_dim", input_dim)
        output_dim = arguments.positive_int(owner, "output_dim", output_dim)
        initial_table = _initial_table(owner, weights, (input_dim, output_dim))
        super().__init__(**kwargs)
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.mask_zero = arguments.flag(owner, "mask_zero", mask_zero)
        self._initial_table = initial_table
        self.quantization_config = quantized.config_argument(quantization_config)

    def build(self, input_shape: Any = None) -> None:
        initializer = self.embeddings_initializer
        if self._initial_table is not None:
            table = self._initial_table

            def initializer(shape: tuple, dtype: str = "float32") -> Any:
                return ops.convert_to_tensor(table, dtype)

        if self.dtype_policy.quantization_mode == "int8":
            self.embeddings = self.add_weight(shape=(self.input_dim, self.output_dim), initializer="zeros",
                                              dtype="int8", trainable=False, name="embeddings")
            self.embeddings_scale = quantized.scale_weight(self, "embeddings_scale", (self.input_dim,))
        else:
            self.embeddings = self.add_weight(
                shape=(self.input_dim, self.output_dim), initializer=initializer,
                regularizer=self.embeddings_regularizer, constraint=self.embeddings_constraint, name="embeddings",
            )
        self._initial_table = None

    def quantize(self, mode: str | None = None, type_check: bool = True,
                 config: QuantizationConfig | None = None) -> None:
        """Replaces the float table by int8 rows and one scale per row (Keras's ``Embedding.quantize``)."""
        mode, config = quantized.start_quantizing(self, Embedding, mode, config, type_check)
        values, scale = quantized.weight_quantizer(config, axis=-1)(self.embeddings.value, to_numpy=True)
        self.quantization_config = config
        self.embeddings = quantized.replace_with_int8(self, self.embeddings, values)
        self.embeddings_scale = quantized.scale_weight(self, "embeddings_scale", (self.input_dim,))
        self.embeddings_scale.assign(ops.squeeze(scale, axis=-1))
        self.dtype_policy = quantized.quantized_policy(self, mode)

    def call(self, inputs: Any) -> Any:
        if "int" not in ops.dtype(inputs):
            inputs = ops.cast(inputs, "int32")
        outputs = ops.take(self.embeddings.value, inputs, axis=0)
        if self.dtype_policy.quantization_mode == "int8":
            scale = ops.expand_dims(ops.take(self.embeddings_scale.value, inputs, axis=0), -1)
            outputs = ops.divide(ops.cast(outputs, self.compute_dtype), scale)
        return outputs

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return ops.not_equal(inputs, 0) if self.mask_zero else None

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (*input_shape, self.output_dim)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            **self.serialized("embeddings_initializer", "embeddings_regularizer", "embeddings_constraint",
                              "activity_regularizer"),
            "mask_zero": self.mask_zero,
            **quantized.config_entries(self.quantization_config),
        }


def _initial_table(owner: str, weights: Any, shape: tuple[int, int]) -> np.ndarray | None:
    if weights is None:
        return None
    if isinstance(weights, (list, tuple)) and len(weights) == 1:
        weights = weights[0]
    table = np.asarray(weights, dtype=np.float32)
    if table.shape != shape:
        raise ValueError(f"{owner}: argument `weights` must be one array of shape {shape} (input_dim, output_dim); "
                         f"received shape {table.shape}.")
    return table
