"""Bidirectional: runs a recurrent layer forwards and backwards and merges the two outputs."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops
from oneiros.layers import Layer

from oneiros_text.layers._nested import build_sublayer, deserialize_layer, serialize_layer
from oneiros_text.layers._state_inputs import first_mask, sequences_shape, split_initial_state, with_initial_state

MERGE_MODES = ("concat", "sum", "mul", "ave", None)


class Bidirectional(Layer):
    """Wraps a recurrent layer (``LSTM``, ``GRU``, ``SimpleRNN``, ``RNN``...) as in Keras 3.

    The forward layer is a copy of ``layer`` named ``forward_<name>``; the backward layer is
    ``backward_layer`` or a copy with ``go_backwards`` flipped, named ``backward_<name>``. With
    ``return_sequences`` the backward outputs are flipped back into input order and masked steps
    output zeros in both directions. ``merge_mode``: ``"concat"`` (default), ``"sum"``,
    ``"mul"``, ``"ave"`` or None (a list ``[forward, backward]``). With ``return_state`` the
    outputs are followed by the forward then the backward final states; ``initial_state=``
    takes forward states then backward states.

    Example::

        layer = Bidirectional(LSTM(16, return_sequences=True))
        y = layer(np.ones((2, 5, 3), "float32"))        # shape (2, 5, 32)
    """

    supports_masking = True

    def __init__(self, layer: Layer, merge_mode: str | None = "concat", backward_layer: Layer | None = None,
                 **kwargs: Any):
        owner = type(self).__name__
        for argument, value in (("layer", layer), ("backward_layer", backward_layer)):
            if value is not None and not (isinstance(value, Layer) and hasattr(value, "go_backwards")
                                          and hasattr(value, "return_sequences")):
                raise ValueError(f"{owner}: argument `{argument}` must be a recurrent layer (with go_backwards and "
                                 f"return_sequences); received {value!r}.")
        arguments.choice(owner, "merge_mode", merge_mode, MERGE_MODES)
        forward_layer = _copy(layer, f"forward_{_without_prefix(layer.name, 'forward_')}", layer.go_backwards,
                              layer.return_sequences)
        if backward_layer is None:
            backward_layer = _copy(layer, f"backward_{_without_prefix(layer.name, 'backward_')}",
                                   not layer.go_backwards, layer.return_sequences)
        _check_pair(owner, forward_layer, backward_layer)
        super().__init__(**kwargs)
        if hasattr(backward_layer, "zero_output_for_mask"):
            backward_layer.zero_output_for_mask = backward_layer.return_sequences
        self.forward_layer = forward_layer
        self.backward_layer = backward_layer
        self.merge_mode = merge_mode
        self.return_sequences = forward_layer.return_sequences
        self.return_state = forward_layer.return_state

    def __call__(self, inputs: Any, initial_state: Any = None, **kwargs: Any) -> Any:
        return super().__call__(with_initial_state(inputs, initial_state), **kwargs)

    def build(self, input_shape: Any) -> None:
        shape = sequences_shape(input_shape)
        build_sublayer(self.forward_layer, shape)
        build_sublayer(self.backward_layer, shape)

    def call(self, inputs: Any, mask: Any = None, training: bool | None = None) -> Any:
        sequences, initial_state = split_initial_state(inputs)
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        mask = first_mask(mask)
        forward = self.forward_layer(sequences, initial_state=forward_state, mask=mask, training=training)
        backward = self.backward_layer(sequences, initial_state=backward_state, mask=mask, training=training)
        states: list[Any] = []
        if self.return_state:
            states = [*forward[1:], *backward[1:]]
            forward, backward = forward[0], backward[0]
        if self.return_sequences:
            backward = ops.flip(backward, axis=1)
        merged = self._merge(forward, backward)
        if not self.return_state:
            return merged
        return (*merged, *states) if self.merge_mode is None else (merged, *states)

    def _merge(self, forward: Any, backward: Any) -> Any:
        if self.merge_mode == "concat":
            return ops.concatenate([forward, backward], axis=-1)
        if self.merge_mode == "sum":
            return ops.add(forward, backward)
        if self.merge_mode == "mul":
            return ops.multiply(forward, backward)
        if self.merge_mode == "ave":
            return ops.multiply(ops.add(forward, backward), 0.5)
        return [forward, backward]

    def compute_output_shape(self, input_shape: Any) -> Any:
        output_shape = self.forward_layer.compute_output_shape(sequences_shape(input_shape))
        state_shapes: tuple = ()
        if self.return_state:
            output_shape, state_shapes = output_shape[0], tuple(output_shape[1:])
        if self.merge_mode == "concat":
            merged: Any = (*output_shape[:-1], output_shape[-1] * 2)
        elif self.merge_mode is None:
            merged = [output_shape, output_shape]
        else:
            merged = output_shape
        if not self.return_state:
            return merged
        outputs = tuple(merged) if self.merge_mode is None else (merged,)
        return (*outputs, *state_shapes, *state_shapes)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        mask = first_mask(mask)
        output_mask = mask if self.return_sequences else None
        output_masks = [output_mask, output_mask] if self.merge_mode is None else [output_mask]
        if self.return_state:
            return output_masks + [None] * (2 * len(self.forward_layer.state_size))
        return output_masks if self.merge_mode is None else output_mask

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), "layer": serialize_layer(self.forward_layer),
                  "merge_mode": self.merge_mode, "backward_layer": serialize_layer(self.backward_layer)}
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Bidirectional:
        config = dict(config)
        layer = deserialize_layer(config.pop("layer"))
        backward_layer = deserialize_layer(config.pop("backward_layer"))
        return cls(layer, backward_layer=backward_layer, **config)


def _without_prefix(name: str, prefix: str) -> str:
    return name[len(prefix):] if name.startswith(prefix) else name


def _copy(layer: Layer, name: str, go_backwards: bool, return_sequences: bool) -> Layer:
    """A fresh layer from ``layer``'s config; masked steps output zeros when returning sequences."""
    entry = serialize_layer(layer)
    config = entry["config"]
    config.update(name=name, go_backwards=go_backwards)
    if "zero_output_for_mask" in config:
        config["zero_output_for_mask"] = return_sequences
    return deserialize_layer(entry)


def _check_pair(owner: str, forward: Layer, backward: Layer) -> None:
    if forward.go_backwards == backward.go_backwards:
        raise ValueError(f"{owner}: the forward and backward layers must have different go_backwards; both have "
                         f"go_backwards={forward.go_backwards}.")
    for attribute in ("return_sequences", "return_state"):
        if getattr(forward, attribute) != getattr(backward, attribute):
            raise ValueError(f"{owner}: the forward and backward layers must agree on {attribute}; received "
                             f"{getattr(forward, attribute)} and {getattr(backward, attribute)}.")
