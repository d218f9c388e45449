"""PositionalEmbedding: token embeddings plus learned position embeddings."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, initializers, ops
from oneiros.layers import Layer

from oneiros_text.layers._nested import build_sublayer
from oneiros_text.layers.embedding import Embedding


class PositionalEmbedding(Layer):
    """``token_embeddings(inputs) + position_embeddings(arange(steps))`` for integer inputs
    ``(batch, steps)`` with ``steps <= sequence_length``: the input layer of a Transformer,
    which has no other sense of order. Both tables are trainable (``token_embeddings``
    (input_dim, output_dim), ``position_embeddings`` (sequence_length, output_dim)). With
    ``mask_zero=True`` token 0 is padding and the layer emits the mask ``inputs != 0``.

    Example::

        layer = PositionalEmbedding(sequence_length=64, input_dim=10000, output_dim=32, mask_zero=True)
        y = layer(np.array([[5, 9, 0]]))                 # shape (1, 3, 32)
    """

    supports_masking = True

    def __init__(self, sequence_length: int, input_dim: int, output_dim: int,
                 embeddings_initializer: Any = "uniform", mask_zero: bool = False, **kwargs: Any):
        owner = type(self).__name__
        sequence_length = arguments.positive_int(owner, "sequence_length", sequence_length)
        input_dim = arguments.positive_int(owner, "input_dim", input_dim)
        output_dim = arguments.positive_int(owner, "output_dim", output_dim)
        mask_zero = arguments.flag(owner, "mask_zero", mask_zero)
        super().__init__(**kwargs)
        self.sequence_length = sequence_length
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.mask_zero = mask_zero
        table_initializer = initializers.serialize(self.embeddings_initializer)
        self.token_embeddings = Embedding(input_dim, output_dim, embeddings_initializer=table_initializer,
                                          mask_zero=mask_zero, name="token_embeddings", dtype=self.dtype_policy.name)
        self.position_embeddings = Embedding(sequence_length, output_dim, embeddings_initializer=table_initializer,
                                             name="position_embeddings", dtype=self.dtype_policy.name)

    def build(self, input_shape: tuple) -> None:
        steps = input_shape[-1]
        if steps is not None and steps > self.sequence_length:
            raise ValueError(f"{type(self).__name__} {self.name!r} has positions for {self.sequence_length} steps; "
                             f"received inputs of shape {tuple(input_shape)}.")
        build_sublayer(self.token_embeddings, input_shape)
        build_sublayer(self.position_embeddings, (steps,))

    def call(self, inputs: Any) -> Any:
        steps = ops.shape(inputs)[-1]
        if steps > self.sequence_length:
            raise ValueError(f"{type(self).__name__} {self.name!r} has positions for {self.sequence_length} steps; "
                             f"received {steps} steps.")
        positions = self.position_embeddings(ops.arange(steps, dtype="int32"))
        return ops.add(self.token_embeddings(inputs), positions)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return self.token_embeddings.compute_mask(inputs)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (*input_shape, self.output_dim)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "sequence_length": self.sequence_length,
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            **self.serialized("embeddings_initializer"),
            "mask_zero": self.mask_zero,
        }
