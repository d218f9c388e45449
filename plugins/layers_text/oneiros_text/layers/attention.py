"""Attention: dot-product (Luong-style) attention of a query sequence over a value sequence."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops
from oneiros.layers import Layer
from oneiros.layers.seed_generator import SeedGenerator

from oneiros_text.layers import _masking


class Attention(Layer):
    """Called on ``[query, value]`` or ``[query, value, key]`` (key defaults to value), each
    ``(batch, steps, dim)``, as in Keras 3::

        scores = query @ key^T                    (score_mode="dot", times `scale` with use_scale)
        scores = concat_score_weight * sum(tanh(scale * (q_i + k_j)))     (score_mode="concat")
        weights = softmax(scores) over the value steps;  output = weights @ value

    Masks come as ``mask=[query_mask, value_mask]`` (from the inputs' masks in a model): masked
    value steps get no weight, masked query steps output zeros, and the output keeps the query
    mask. ``use_causal_mask=True`` stops step i from attending to steps after i.
    ``return_attention_scores=True`` also returns the weights ``(batch, Tq, Tv)``. ``dropout``
    drops attention weights in training.

    Example::

        layer = Attention()
        context = layer([query, value])                  # (batch, Tq, dim)
    """

    supports_masking = True
    score_modes = ("dot", "concat")

    def __init__(self, use_scale: bool = False, score_mode: str = "dot", dropout: float = 0.0,
                 seed: int | None = None, **kwargs: Any):
        owner = type(self).__name__
        use_scale = arguments.flag(owner, "use_scale", use_scale)
        arguments.choice(owner, "score_mode", score_mode, self.score_modes)
        dropout = arguments.fraction(owner, "dropout", dropout, allow_one=False)
        seed = arguments.seed(owner, seed)
        super().__init__(**kwargs)
        self.use_scale = use_scale
        self.score_mode = score_mode
        self.dropout = dropout
        self.seed = seed
        self.seed_generator = SeedGenerator(seed) if dropout else None
        self._returns_scores = False

    def __call__(self, inputs: Any, *args: Any, return_attention_scores: bool = False, **kwargs: Any) -> Any:
        # The core asks compute_output_shape(input_shape) alone; this flag tells it how many outputs.
        self._returns_scores = bool(return_attention_scores)
        if return_attention_scores:
            kwargs["return_attention_scores"] = True
        return super().__call__(inputs, *args, **kwargs)

    def build(self, input_shape: Any) -> None:
        self._input_shapes(input_shape)
        self.scale = self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(shape=(), initializer="ones", name="scale")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(shape=(), initializer="ones", name="concat_score_weight")

    def _input_shapes(self, input_shape: Any) -> tuple[tuple, tuple, tuple]:
        if not isinstance(input_shape, (list, tuple)) or not input_shape \
                or not isinstance(input_shape[0], (list, tuple)) or len(input_shape) not in (2, 3):
            raise ValueError(f"{type(self).__name__} {self.name!r} must be called on a list [query, value] or "
                             f"[query, value, key]; received inputs of shape {input_shape}.")
        query, value = tuple(input_shape[0]), tuple(input_shape[1])
        key = tuple(input_shape[2]) if len(input_shape) == 3 else value
        return query, value, key

    def _scores(self, query: Any, key: Any) -> Any:
        if self.score_mode == "dot":
            scores = ops.matmul(query, ops.moveaxis(key, -1, -2))
            return ops.multiply(scores, self.scale.value) if self.scale is not None else scores
        pairs = ops.add(ops.expand_dims(query, -2), ops.expand_dims(key, -3))
        if self.scale is not None:
            pairs = ops.multiply(pairs, self.scale.value)
        return ops.multiply(self.concat_score_weight.value, ops.sum(ops.tanh(pairs), axis=-1))

    def call(self, inputs: Any, mask: Any = None, training: bool | None = None,
             return_attention_scores: bool = False, use_causal_mask: bool = False) -> Any:
        self._input_shapes([tuple(ops.shape(tensor)) for tensor in inputs])
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) == 3 else value
        if mask is not None and not isinstance(mask, (list, tuple)):
            raise ValueError(f"{type(self).__name__} {self.name!r} takes mask=[query_mask, value_mask]; "
                             f"received one mask of shape {tuple(ops.shape(mask))}.")
        query_mask, value_mask = (mask[0], mask[1]) if mask is not None else (None, None)
        scores = self._scores(query, key)
        score_mask = _masking.combine(
            None if value_mask is None else ops.expand_dims(value_mask, -2),
            _masking.causal(ops.shape(scores)[-2], ops.shape(scores)[-1]) if use_causal_mask else None,
        )
        if score_mask is not None:
            penalty = _masking.mask_penalty(ops.dtype(scores))
            scores = ops.where(score_mask, scores, ops.subtract(scores, penalty))
        weights = ops.softmax(scores, axis=-1)
        if training and self.dropout:
            weights = ops.dropout(weights, self.dropout, seed=self.seed_generator.next())
        outputs = ops.matmul(weights, value)
        if query_mask is not None:
            outputs = ops.where(ops.expand_dims(ops.cast(query_mask, "bool"), -1), outputs,
                                ops.zeros_like(outputs))
        return (outputs, weights) if return_attention_scores else outputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        query, value, key = self._input_shapes(input_shape)
        output = (*query[:-1], value[-1])
        return (output, (*query[:-1], key[-2])) if self._returns_scores else output

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if mask is None or mask[0] is None:
            return None
        return mask[0]

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "use_scale": self.use_scale, "score_mode": self.score_mode,
                "dropout": self.dropout, "seed": self.seed}
