"""MultiHeadAttention: scaled dot-product attention in several heads (Vaswani et al., 2017)."""

from __future__ import annotations

import math
import numbers
from typing import Any

from oneiros import arguments, constraints, initializers, layers, ops, regularizers
from oneiros.layers import Layer, SymbolicTensor
from oneiros.layers.seed_generator import SeedGenerator

from oneiros_text.layers import _masking
from oneiros_text.layers._nested import build_sublayer

_MASK_ARGUMENTS = ("query_mask", "value_mask", "key_mask")


class MultiHeadAttention(Layer):
    """Multi-head attention with Keras 3's arguments and weights: ``query``, ``key`` and ``value``
    projections (EinsumDense kernels (dim, num_heads, key_dim|value_dim), biases (num_heads,
    key_dim|value_dim)) and ``attention_output`` (kernel (num_heads, value_dim, output_dim)),
    in that weight order, so Keras 3 weights load unchanged::

        q, k, v = query @ Wq, key @ Wk, value @ Wv                  per head
        weights = softmax(q k^T / sqrt(key_dim)) over the value steps, masked
        output = concat_heads(dropout(weights) @ v) @ Wo

    Call it as ``mha(query, value)`` or ``mha(query, value, key)`` on ``(batch, steps, dim)``
    tensors (or on a list ``[query, value(, key)]``). Masks (True = attend):
    ``attention_mask`` ``(batch, Tq, Tv)``; the query/value/key masks (the inputs' masks in a
    model, e.g. from ``Embedding(mask_zero=True)``, or ``query_mask=``... in eager calls);
    ``use_causal_mask=True`` (step i sees steps <= i). All given masks are combined with a
    logical and; a query step with nothing to attend to gets zero weights (Keras's fused path
    averages the values there instead). The output keeps the query's mask.
    ``return_attention_scores=True`` also returns the weights ``(batch, num_heads, Tq, Tv)``
    (before dropout). Attention runs over axis 1 of rank-3 inputs (``attention_axes`` None or 1).

    Example::

        mha = MultiHeadAttention(num_heads=4, key_dim=16)
        y = mha(x, x, use_causal_mask=True)              # self-attention, (batch, steps, dim)
    """

    supports_masking = True

    def __init__(self, num_heads: int, key_dim: int, value_dim: int | None = None, dropout: float = 0.0,
                 use_bias: bool = True, output_shape: Any = None, attention_axes: Any = None,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None, seed: int | None = None, **kwargs: Any):
        owner = type(self).__name__
        num_heads = arguments.positive_int(owner, "num_heads", num_heads)
        key_dim = arguments.positive_int(owner, "key_dim", key_dim)
        value_dim = arguments.positive_int(owner, "value_dim", value_dim, optional=True)
        dropout = arguments.fraction(owner, "dropout", dropout, allow_one=False)
        use_bias = arguments.flag(owner, "use_bias", use_bias)
        output_dim = _output_dim(owner, output_shape)
        _check_attention_axes(owner, attention_axes)
        seed = arguments.seed(owner, seed)
        super().__init__(**kwargs)
        self.num_heads = num_heads
        self.key_dim = key_dim
        self.value_dim = value_dim or key_dim
        self.dropout = dropout
        self.use_bias = use_bias
        self._output_shape_argument = output_shape
        self._output_dim = output_dim
        self.attention_axes = attention_axes
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self.seed_generator = SeedGenerator(seed) if dropout else None
        self._returns_scores = False

    def __call__(self, query: Any, value: Any = None, key: Any = None, *, attention_mask: Any = None,
                 return_attention_scores: bool = False, **kwargs: Any) -> Any:
        if isinstance(query, (list, tuple)):
            if value is not None or key is not None or attention_mask is not None:
                raise ValueError(f"{type(self).__name__} {self.name!r}: pass either a list [query, value, key"
                                 "(, attention_mask)] or separate tensors, not both.")
            inputs = list(query)
            if len(inputs) == 2:
                inputs.append(inputs[1])
        else:
            if value is None:
                raise ValueError(f"{type(self).__name__} {self.name!r} needs a value: call mha(query, value) or "
                                 "mha(query, value, key).")
            inputs = [query, value, value if key is None else key]
            if attention_mask is not None:
                inputs.append(attention_mask)
        for name in _MASK_ARGUMENTS:
            if isinstance(kwargs.get(name), SymbolicTensor):
                raise ValueError(f"{type(self).__name__} {self.name!r}: in a functional model the {name} comes from "
                                 "the input's own mask (e.g. Embedding(mask_zero=True)); pass attention_mask for "
                                 "any other mask.")
        # The core asks compute_output_shape(input_shape) alone; this flag tells it how many outputs.
        self._returns_scores = bool(return_attention_scores)
        if return_attention_scores:
            kwargs["return_attention_scores"] = True
        return super().__call__(inputs, **kwargs)

    def _input_shapes(self, input_shape: Any) -> tuple[tuple, tuple, tuple]:
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) not in (3, 4) \
                or not all(isinstance(shape, (list, tuple)) for shape in input_shape):
            raise ValueError(f"{type(self).__name__} {self.name!r} expects [query, value, key(, attention_mask)]; "
                             f"received inputs of shape {input_shape}.")
        query, value, key = (tuple(shape) for shape in input_shape[:3])
        for name, shape in (("query", query), ("value", value), ("key", key)):
            if len(shape) != 3 or shape[-1] is None:
                raise ValueError(f"{type(self).__name__} {self.name!r} attends over axis 1 of rank-3 inputs (batch, "
                                 f"steps, dim) with a known dim; received {name} of shape {shape}.")
        if value[1] is not None and key[1] is not None and value[1] != key[1]:
            raise ValueError(f"{type(self).__name__} {self.name!r}: value and key must have the same number of "
                             f"steps; received value {value} and key {key}.")
        return query, value, key

    def _projection(self, name: str, equation: str, output_shape: tuple, bias_axes: str) -> Layer:
        return layers.get("EinsumDense")(
            equation, output_shape=output_shape, bias_axes=bias_axes if self.use_bias else None, name=name,
            kernel_initializer=initializers.serialize(self.kernel_initializer),
            bias_initializer=initializers.serialize(self.bias_initializer),
            kernel_regularizer=regularizers.serialize(self.kernel_regularizer),
            bias_regularizer=regularizers.serialize(self.bias_regularizer),
            kernel_constraint=constraints.serialize(self.kernel_constraint),
            bias_constraint=constraints.serialize(self.bias_constraint), dtype=self.dtype_policy.name,
        )

    def build(self, input_shape: Any) -> None:
        query, value, key = self._input_shapes(input_shape)
        output_dim = self._output_dim or query[-1]
        self.query_dense = self._projection("query", "abc,cde->abde", (None, self.num_heads, self.key_dim), "de")
        self.key_dense = self._projection("key", "abc,cde->abde", (None, self.num_heads, self.key_dim), "de")
        self.value_dense = self._projection("value", "abc,cde->abde", (None, self.num_heads, self.value_dim), "de")
        self.output_dense = self._projection("attention_output", "abcd,cde->abe", (None, output_dim), "e")
        build_sublayer(self.query_dense, query)
        build_sublayer(self.key_dense, key)
        build_sublayer(self.value_dense, value)
        build_sublayer(self.output_dense, (query[0], query[1], self.num_heads, self.value_dim))

    def _combined_mask(self, inputs: Any, mask: Any, query_mask: Any, value_mask: Any, key_mask: Any,
                       use_causal_mask: bool) -> Any:
        """(batch, Tq, Tv): the logical and of every mask that applies, or None when none does."""
        query, value = inputs[:2]
        attention_mask = inputs[3] if len(inputs) == 4 else None
        if isinstance(mask, (list, tuple)):
            query_mask = mask[0] if query_mask is None else query_mask
            value_mask = mask[1] if value_mask is None else value_mask
            key_mask = mask[2] if key_mask is None and len(mask) > 2 else key_mask
        return _masking.combine(
            attention_mask,
            None if query_mask is None else ops.expand_dims(query_mask, -1),
            None if value_mask is None else ops.expand_dims(value_mask, -2),
            None if key_mask is None else ops.expand_dims(key_mask, -2),
            _masking.causal(ops.shape(query)[1], ops.shape(value)[1]) if use_causal_mask else None,
        )

    def call(self, inputs: Any, mask: Any = None, training: bool | None = None, query_mask: Any = None,
             value_mask: Any = None, key_mask: Any = None, return_attention_scores: bool = False,
             use_causal_mask: bool = False) -> Any:
        query, value, key = inputs[:3]
        combined = self._combined_mask(inputs, mask, query_mask, value_mask, key_mask, use_causal_mask)
        projected_query = ops.multiply(self.query_dense(query), 1.0 / math.sqrt(self.key_dim))
        projected_key = self.key_dense(key)
        projected_value = self.value_dense(value)
        scores = ops.einsum("aecd,abcd->acbe", projected_key, projected_query)
        weights = _masking.masked_softmax(scores, None if combined is None else ops.expand_dims(combined, 1))
        attended = weights
        if training and self.dropout:
            attended = ops.dropout(weights, self.dropout, seed=self.seed_generator.next())
        outputs = self.output_dense(ops.einsum("acbe,aecd->abcd", attended, projected_value))
        return (outputs, weights) if return_attention_scores else outputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        query, value, _ = self._input_shapes(input_shape)
        output = (*query[:-1], self._output_dim or query[-1])
        if self._returns_scores:
            return output, (query[0], self.num_heads, query[1], value[1])
        return output

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return mask[0] if isinstance(mask, (list, tuple)) else None

    def get_config(self) -> dict[str, Any]:
        output_shape = self._output_shape_argument
        return {
            **super().get_config(),
            "num_heads": self.num_heads,
            "key_dim": self.key_dim,
            "value_dim": self.value_dim,
            "dropout": self.dropout,
            "use_bias": self.use_bias,
            "output_shape": list(output_shape) if isinstance(output_shape, tuple) else output_shape,
            "attention_axes": list(self.attention_axes) if isinstance(self.attention_axes, tuple)
            else self.attention_axes,
            **self.serialized("kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
                              "activity_regularizer", "kernel_constraint", "bias_constraint"),
            "seed": self.seed,
        }


def _output_dim(owner: str, output_shape: Any) -> int | None:
    """None (the query's last size) or the one output size, from an int or a 1-element sequence."""
    if output_shape is None:
        return None
    sizes = [output_shape] if isinstance(output_shape, numbers.Integral) else output_shape
    if isinstance(sizes, (list, tuple)) and len(sizes) == 1:
        return arguments.positive_int(owner, "output_shape", sizes[0])
    raise ValueError(f"{owner}: argument `output_shape` must be None, a positive int or a one-element list; "
                     f"received output_shape={output_shape!r}.")


def _check_attention_axes(owner: str, attention_axes: Any) -> None:
    if attention_axes in (None, 1, -2, (1,), [1], (-2,), [-2]):
        return
    raise ValueError(f"{owner}: argument `attention_axes` must be None or 1 (attention over the steps of rank-3 "
                     f"inputs); received attention_axes={attention_axes!r}.")
