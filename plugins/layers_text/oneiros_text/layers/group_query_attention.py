"""GroupQueryAttention: attention whose query heads share fewer key and value heads (Ainslie et al., 2023)."""

from __future__ import annotations

import math
from typing import Any

from oneiros import activations, arguments, ops
from oneiros.layers.seed_generator import SeedGenerator

from oneiros_text.layers import _masking
from oneiros_text.layers._nested import build_sublayer
from oneiros_text.layers.multi_head_attention import MultiHeadAttention


class GroupedQueryAttention(MultiHeadAttention):
    """Grouped-query attention with Keras 3's arguments and weights: ``num_query_heads`` query
    heads of ``head_dim``, in groups that share each of the ``num_key_value_heads`` key and value
    heads. Projections ``query`` (kernel (dim, num_query_heads, head_dim)), ``key``, optional
    ``gate`` (sigmoid, multiplies the attended values), ``value`` (kernels (dim,
    num_key_value_heads, head_dim)) and ``attention_output`` (kernel (num_query_heads, head_dim,
    dim)), in Keras's weight order, so Keras 3 weights load unchanged.

    Called like :class:`MultiHeadAttention` (``gqa(query, value)``, masks, ``use_causal_mask``,
    ``return_attention_scores``); ``sliding_window=w`` also limits each query step to keys less
    than ``w`` steps away. A query step with nothing to attend to gets zero weights.

    Example::

        gqa = GroupQueryAttention(head_dim=16, num_query_heads=8, num_key_value_heads=2)

    Keras's class is ``GroupedQueryAttention``, exported as ``GroupQueryAttention``; both names
    reach this class, whose default layer names and weight paths are Keras's
    (``grouped_query_attention``).
        y = gqa(x, x, use_causal_mask=True)                # (batch, steps, dim)
    """

    def __init__(self, head_dim: int, num_query_heads: int, num_key_value_heads: int, dropout: float = 0.0,
                 use_bias: bool = True, sliding_window: int | None = None, flash_attention: Any = None,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None, use_gate: bool = False,
                 seed: int | None = None, **kwargs: Any):
        owner = type(self).__name__
        head_dim = arguments.positive_int(owner, "head_dim", head_dim)
        num_query_heads = arguments.positive_int(owner, "num_query_heads", num_query_heads)
        num_key_value_heads = arguments.positive_int(owner, "num_key_value_heads", num_key_value_heads)
        if num_query_heads % num_key_value_heads:
            raise ValueError(f"{owner}: `num_query_heads` must be a multiple of `num_key_value_heads`; received "
                             f"num_query_heads={num_query_heads} and num_key_value_heads={num_key_value_heads}.")
        sliding_window = arguments.positive_int(owner, "sliding_window", sliding_window, optional=True)
        use_gate = arguments.flag(owner, "use_gate", use_gate)
        if flash_attention:
            raise ValueError(f"{owner}: flash attention is a fused kernel of other engines; received "
                             f"flash_attention={flash_attention!r}. Leave it None or False.")
        super().__init__(num_query_heads, head_dim, dropout=dropout, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, seed=seed, **kwargs)
        self.head_dim = head_dim
        self.num_query_heads = num_query_heads
        self.num_key_value_heads = num_key_value_heads
        self.num_repeats = num_query_heads // num_key_value_heads
        self.sliding_window = sliding_window
        self.use_gate = use_gate
        self.seed_generator = SeedGenerator(seed) if self.dropout else None

    def build(self, input_shape: Any) -> None:
        # Keras's attribute names: a .keras file stores the projections under them.
        query, value, key = self._input_shapes(input_shape)
        query_heads = (None, self.num_query_heads, self.head_dim)
        shared_heads = (None, self.num_key_value_heads, self.head_dim)
        self._query_dense = self._projection("query", "bqm,muh->bquh", query_heads, "uh")
        self._key_dense = self._projection("key", "bkm,mvh->bkvh", shared_heads, "vh")
        build_sublayer(self._query_dense, query)
        build_sublayer(self._key_dense, key)
        self._gate_dense = None
        if self.use_gate:
            self._gate_dense = self._projection("gate", "bqm,muh->bquh", query_heads, "uh")
            self._gate_dense.activation = activations.get("sigmoid")
            build_sublayer(self._gate_dense, query)
        self._value_dense = self._projection("value", "bkm,mvh->bkvh", shared_heads, "vh")
        self._output_dense = self._projection("attention_output", "bquh,uhm->bqm", (None, query[-1]), "m")
        build_sublayer(self._value_dense, value)
        build_sublayer(self._output_dense, (query[0], query[1], self.num_query_heads, self.head_dim))

    def call(self, inputs: Any, mask: Any = None, training: bool | None = None, query_mask: Any = None,
             value_mask: Any = None, key_mask: Any = None, return_attention_scores: bool = False,
             use_causal_mask: bool = False) -> Any:
        query, value, key = inputs[:3]
        combined = self._combined_mask(inputs, mask, query_mask, value_mask, key_mask, use_causal_mask)
        if self.sliding_window is not None:
            band = _band(ops.shape(query)[1], ops.shape(value)[1], self.sliding_window)
            combined = _masking.combine(combined, band)
        gate = None if self._gate_dense is None else self._gate_dense(query)
        projected_query = ops.multiply(self._query_dense(query), 1.0 / math.sqrt(self.head_dim))
        projected_key = ops.repeat(self._key_dense(key), self.num_repeats, axis=2)
        projected_value = ops.repeat(self._value_dense(value), self.num_repeats, axis=2)
        scores = ops.einsum("bquh,bkuh->buqk", projected_query, projected_key)
        weights = _masking.masked_softmax(scores, None if combined is None else ops.expand_dims(combined, 1))
        attended = weights
        if training and self.dropout:
            attended = ops.dropout(weights, self.dropout, seed=self.seed_generator.next())
        outputs = ops.einsum("buqk,bkuh->bquh", attended, projected_value)
        if gate is not None:
            outputs = ops.multiply(outputs, gate)
        outputs = self._output_dense(outputs)
        return (outputs, weights) if return_attention_scores else outputs

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        for key in ("num_heads", "key_dim", "value_dim", "output_shape", "attention_axes"):
            config.pop(key)
        return {**config, "head_dim": self.head_dim, "num_query_heads": self.num_query_heads,
                "num_key_value_heads": self.num_key_value_heads, "use_gate": self.use_gate,
                "sliding_window": self.sliding_window}


def _band(query_steps: int, key_steps: int, window: int) -> Any:
    """(1, query_steps, key_steps): key j is within ``window - 1`` steps of query i (Keras's band)."""
    rows = ops.reshape(ops.arange(query_steps, dtype="int32"), (1, query_steps, 1))
    columns = ops.reshape(ops.arange(key_steps, dtype="int32"), (1, 1, key_steps))
    return ops.less(ops.abs(ops.subtract(rows, columns)), window)


GroupQueryAttention = GroupedQueryAttention
