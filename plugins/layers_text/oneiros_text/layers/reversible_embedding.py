"""ReversibleEmbedding: an embedding that also projects vectors back to logits over its vocabulary."""

from __future__ import annotations

import numbers
from typing import Any

from oneiros import arguments, ops

from oneiros_text.layers.embedding import Embedding


class ReversibleEmbedding(Embedding):
    """An :class:`Embedding` whose call with ``reverse=True`` maps vectors ``(..., output_dim)``
    to logits ``(..., input_dim)`` (Keras 3's ReversibleEmbedding): by the transposed table when
    ``tie_weights`` (the default), else by its own weight ``reverse_embeddings``
    ``(output_dim, input_dim)``. ``reverse_dtype`` is the dtype of that product and
    ``logit_soft_cap`` caps the logits smoothly at ``cap * tanh(logits / cap)``.

    Example::

        embedding = ReversibleEmbedding(100, 16)
        vectors = embedding(np.array([[3, 7]]))                 # (1, 2, 16)
        logits = embedding(vectors, reverse=True)               # (1, 2, 100)
    """

    def __init__(self, input_dim: int, output_dim: int, tie_weights: bool = True,
                 embeddings_initializer: Any = "uniform", embeddings_regularizer: Any = None,
                 embeddings_constraint: Any = None, mask_zero: bool = False, reverse_dtype: Any = None,
                 logit_soft_cap: float | None = None, **kwargs: Any):
        owner = type(self).__name__
        tie_weights = arguments.flag(owner, "tie_weights", tie_weights)
        if logit_soft_cap is not None and (isinstance(logit_soft_cap, bool)
                                           or not isinstance(logit_soft_cap, numbers.Real) or logit_soft_cap <= 0):
            raise ValueError(f"{owner}: argument `logit_soft_cap` must be None or a number > 0; received "
                             f"logit_soft_cap={logit_soft_cap!r}.")
        super().__init__(input_dim, output_dim, embeddings_initializer=embeddings_initializer,
                         embeddings_regularizer=embeddings_regularizer, embeddings_constraint=embeddings_constraint,
                         mask_zero=mask_zero, **kwargs)
        self.tie_weights = tie_weights
        self.reverse_dtype = reverse_dtype
        self.logit_soft_cap = logit_soft_cap
        self._reverse_call = False

    def build(self, input_shape: Any = None) -> None:
        super().build(input_shape)
        self.reverse_embeddings = None
        if not self.tie_weights:
            self.reverse_embeddings = self.add_weight(shape=(self.output_dim, self.input_dim),
                                                      initializer=self.embeddings_initializer,
                                                      name="reverse_embeddings")

    def __call__(self, inputs: Any, *args: Any, reverse: bool = False, **kwargs: Any) -> Any:
        # The core asks compute_output_shape(input_shape) alone; this flag tells it which direction.
        self._reverse_call = bool(reverse)
        if reverse:
            kwargs["reverse"] = True
        return super().__call__(inputs, *args, **kwargs)

    def _maybe_build(self, input_shape: Any) -> None:
        # A reverse call sees vectors, not ids: the table's shape does not depend on them.
        super()._maybe_build(None if self._reverse_call else input_shape)

    def call(self, inputs: Any, reverse: bool = False) -> Any:
        if not reverse:
            return super().call(inputs)
        kernel = ops.transpose(self.embeddings.value) if self.tie_weights else self.reverse_embeddings.value
        if self.reverse_dtype is not None:
            inputs, kernel = ops.cast(inputs, self.reverse_dtype), ops.cast(kernel, self.reverse_dtype)
        logits = ops.matmul(inputs, kernel)
        if self.logit_soft_cap is not None:
            logits = ops.multiply(ops.tanh(ops.divide(logits, self.logit_soft_cap)), self.logit_soft_cap)
        return logits

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return None if self._reverse_call else super().compute_mask(inputs, mask)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        if self._reverse_call:
            return (*tuple(input_shape)[:-1], self.input_dim)
        return super().compute_output_shape(input_shape)

    def compute_output_dtype(self, input_dtype: Any) -> Any:
        return self.reverse_dtype if self._reverse_call and self.reverse_dtype else self.compute_dtype

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "tie_weights": self.tie_weights, "reverse_dtype": self.reverse_dtype,
                "logit_soft_cap": self.logit_soft_cap}
