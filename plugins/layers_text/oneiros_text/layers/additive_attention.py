"""AdditiveAttention: Bahdanau-style attention of a query sequence over a value sequence."""

from __future__ import annotations

from typing import Any

from oneiros import ops

from oneiros_text.layers.attention import Attention


class AdditiveAttention(Attention):
    """Like :class:`Attention` but with additive scores, as in Keras 3::

        scores[b, i, j] = sum(scale * tanh(query[b, i] + key[b, j]))

    where ``scale`` (dim,) is a trainable weight (Glorot-uniform) when ``use_scale`` (default),
    else 1. Inputs, masks, ``use_causal_mask``, ``return_attention_scores`` and ``dropout`` as
    in :class:`Attention`; query and key must have the same last size.

    Example::

        context = AdditiveAttention()([query, value])
    """

    score_modes = ("dot",)

    def __init__(self, use_scale: bool = True, dropout: float = 0.0, seed: int | None = None, **kwargs: Any):
        super().__init__(use_scale=use_scale, dropout=dropout, seed=seed, **kwargs)

    def build(self, input_shape: Any) -> None:
        query, _, key = self._input_shapes(input_shape)
        if query[-1] is None or query[-1] != key[-1]:
            raise ValueError(f"{type(self).__name__} {self.name!r} needs query and key with the same known last "
                             f"size; received query {query} and key {key}.")
        self.scale = self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(shape=(query[-1],), initializer="glorot_uniform", name="scale")

    def _scores(self, query: Any, key: Any) -> Any:
        pairs = ops.tanh(ops.add(ops.expand_dims(query, -2), ops.expand_dims(key, -3)))
        if self.scale is not None:
            pairs = ops.multiply(pairs, self.scale.value)
        return ops.sum(pairs, axis=-1)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["score_mode"]
        return config
