"""CategoryEncoding: integer category ids to one-hot, multi-hot or count vectors."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops
from oneiros.layers import Layer


OUTPUT_MODES = ("one_hot", "multi_hot", "count")


class CategoryEncoding(Layer):
    """Encodes integer ids in ``[0, num_tokens)`` (Keras 3 semantics), in ``oneiros.ops`` so it
    also runs inside compiled models:

    - ``"one_hot"``: ``(batch,)`` or ``(batch, 1)`` -> ``(batch, num_tokens)``; ``(batch, k)``
      -> ``(batch, k, num_tokens)``;
    - ``"multi_hot"`` (default): ``(batch, k)`` -> ``(batch, num_tokens)``, 1 where an id occurs
      (a ``(batch,)`` input is one id per sample);
    - ``"count"``: like multi_hot but counting occurrences, each weighted by ``count_weights``
      (same shape as the inputs) when given.

    Ids outside ``[0, num_tokens)`` count nowhere.

    Example::

        layer = CategoryEncoding(num_tokens=4, output_mode="count")
        layer(np.array([[0, 1, 1], [3, 2, 0]]))      # [[1, 2, 0, 0], [1, 0, 1, 1]]
    """

    def __init__(self, num_tokens: int, output_mode: str = "multi_hot", **kwargs: Any):
        owner = type(self).__name__
        num_tokens = arguments.positive_int(owner, "num_tokens", num_tokens)
        arguments.choice(owner, "output_mode", output_mode, OUTPUT_MODES)
        super().__init__(**kwargs)
        self.num_tokens = num_tokens
        self.output_mode = output_mode

    def call(self, inputs: Any, count_weights: Any = None) -> Any:
        if count_weights is not None and self.output_mode != "count":
            raise ValueError(f"CategoryEncoding {self.name!r}: count_weights apply to output_mode='count' only; "
                             f"received output_mode={self.output_mode!r}.")
        ids = ops.cast(inputs, "int32")
        shape = tuple(ops.shape(ids))
        if len(shape) not in (1, 2):
            raise ValueError(f"CategoryEncoding {self.name!r} takes ids of shape (batch,) or (batch, k); received "
                             f"shape {shape}.")
        if self.output_mode == "one_hot":
            if len(shape) == 2 and shape[1] == 1:
                ids = ops.squeeze(ids, axis=1)
            return ops.one_hot(ids, self.num_tokens, dtype=self.compute_dtype)
        if len(shape) == 1:
            ids = ops.expand_dims(ids, 1)
        hot = ops.one_hot(ids, self.num_tokens, dtype=self.compute_dtype)
        if self.output_mode == "multi_hot":
            return ops.max(hot, axis=1)
        if count_weights is not None:
            weights = ops.cast(count_weights, self.compute_dtype)
            hot = ops.multiply(hot, ops.expand_dims(ops.reshape(weights, tuple(ops.shape(ids))), -1))
        return ops.sum(hot, axis=1)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        input_shape = tuple(input_shape)
        if self.output_mode == "one_hot":
            kept = input_shape[:-1] if len(input_shape) == 2 and input_shape[-1] == 1 else input_shape
            return (*kept, self.num_tokens)
        return (input_shape[0], self.num_tokens)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "num_tokens": self.num_tokens, "output_mode": self.output_mode}
