"""TransformerEncoder: one encoder block of the Transformer (Vaswani et al., 2017)."""

from __future__ import annotations

from typing import Any

from oneiros import activations, arguments, initializers, layers, ops
from oneiros.layers import Layer

from oneiros_text.layers import _masking
from oneiros_text.layers._nested import build_sublayer
from oneiros_text.layers.multi_head_attention import MultiHeadAttention


class TransformerEncoder(Layer):
    """Self-attention then a position-wise feed-forward network, each with dropout, a residual
    connection and layer normalization, with keras_hub's arguments and defaults::

        x = LayerNorm(x + Dropout(MultiHeadAttention(x, x)))                    # normalize_first=False
        y = LayerNorm(x + Dropout(Dense(dim)(Dense(intermediate_dim, activation)(x))))

    ``normalize_first=True`` normalizes before each sublayer instead (pre-LN). The model width
    ``dim`` is the inputs' last size, split into ``num_heads`` heads of ``dim // num_heads``.
    The padding mask (the input's mask, e.g. from ``PositionalEmbedding(mask_zero=True)``, or
    ``padding_mask=`` in eager calls) stops attention to padded steps; ``attention_mask``
    ``(batch, steps, steps)`` adds further limits. The mask passes through to the next layer.
    Dense, LayerNormalization and Dropout come from the core's layer registry.

    Example::

        encoder = TransformerEncoder(intermediate_dim=64, num_heads=2)
        y = encoder(np.ones((2, 10, 32), "float32"))     # shape (2, 10, 32)
    """

    supports_masking = True

    def __init__(self, intermediate_dim: int, num_heads: int, dropout: float = 0.0, activation: Any = "relu",
                 layer_norm_epsilon: float = 1e-5, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", normalize_first: bool = False, **kwargs: Any):
        owner = type(self).__name__
        intermediate_dim = arguments.positive_int(owner, "intermediate_dim", intermediate_dim)
        num_heads = arguments.positive_int(owner, "num_heads", num_heads)
        dropout = arguments.fraction(owner, "dropout", dropout, allow_one=False)
        normalize_first = arguments.flag(owner, "normalize_first", normalize_first)
        super().__init__(**kwargs)
        self.intermediate_dim = intermediate_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.activation = activations.get(activation)
        self.layer_norm_epsilon = float(layer_norm_epsilon)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.normalize_first = normalize_first

    def build(self, input_shape: tuple) -> None:
        hidden_dim = input_shape[-1]
        if len(input_shape) != 3 or hidden_dim is None or hidden_dim < self.num_heads:
            raise ValueError(f"{type(self).__name__} {self.name!r} expects inputs (batch, steps, dim) with a known "
                             f"dim >= num_heads={self.num_heads}; received shape {tuple(input_shape)}.")
        dense_arguments = {"kernel_initializer": initializers.serialize(self.kernel_initializer),
                           **self.serialized("bias_initializer"),
                           "dtype": self.dtype_policy.name}
        self.self_attention_layer = MultiHeadAttention(
            num_heads=self.num_heads, key_dim=hidden_dim // self.num_heads, dropout=self.dropout,
            name="self_attention", **dense_arguments,
        )
        self.self_attention_layer_norm = layers.get("LayerNormalization")(
            epsilon=self.layer_norm_epsilon, name="self_attention_layer_norm", dtype=self.dtype_policy.name)
        self.self_attention_dropout = layers.get("Dropout")(self.dropout, name="self_attention_dropout")
        self.feedforward_layer_norm = layers.get("LayerNormalization")(
            epsilon=self.layer_norm_epsilon, name="feedforward_layer_norm", dtype=self.dtype_policy.name)
        self.feedforward_intermediate_dense = layers.get("Dense")(
            self.intermediate_dim, activation=activations.serialize(self.activation),
            name="feedforward_intermediate_dense", **dense_arguments)
        self.feedforward_output_dense = layers.get("Dense")(hidden_dim, name="feedforward_output_dense",
                                                            **dense_arguments)
        self.feedforward_dropout = layers.get("Dropout")(self.dropout, name="feedforward_dropout")
        shape = tuple(input_shape)
        build_sublayer(self.self_attention_layer, [shape, shape, shape])
        build_sublayer(self.self_attention_layer_norm, shape)
        build_sublayer(self.feedforward_layer_norm, shape)
        build_sublayer(self.feedforward_intermediate_dense, shape)
        build_sublayer(self.feedforward_output_dense, (*shape[:-1], self.intermediate_dim))

    def call(self, inputs: Any, mask: Any = None, training: bool | None = None, padding_mask: Any = None,
             attention_mask: Any = None) -> Any:
        padding_mask = mask if padding_mask is None else padding_mask
        combined = _masking.combine(None if padding_mask is None else ops.expand_dims(padding_mask, -2),
                                    attention_mask)
        residual = inputs
        x = self.self_attention_layer_norm(inputs) if self.normalize_first else inputs
        x = self.self_attention_layer(x, x, attention_mask=combined, training=training)
        x = ops.add(self.self_attention_dropout(x, training=training), residual)
        if not self.normalize_first:
            x = self.self_attention_layer_norm(x)
        residual = x
        if self.normalize_first:
            x = self.feedforward_layer_norm(x)
        x = self.feedforward_output_dense(self.feedforward_intermediate_dense(x))
        x = ops.add(self.feedforward_dropout(x, training=training), residual)
        if not self.normalize_first:
            x = self.feedforward_layer_norm(x)
        return x

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "intermediate_dim": self.intermediate_dim,
            "num_heads": self.num_heads,
            "dropout": self.dropout,
            "activation": activations.serialize(self.activation),
            "layer_norm_epsilon": self.layer_norm_epsilon,
            **self.serialized("kernel_initializer", "bias_initializer"),
            "normalize_first": self.normalize_first,
        }
