"""RecurrentCell: what SimpleRNNCell, LSTMCell and GRUCell share.

A cell computes one time step (:meth:`RecurrentCell.step`). The input projection stays inside
the loop, as in Keras: projecting the whole sequence first (one large matmul) measured ~1.5x
slower per training step on XLA:CPU for the LSTM benchmark, because the projected sequence
and its gradient are materialized.

Dropout follows Keras: in training, the masks are drawn per call of the layer (per sequence) and
reused at every step, so they are drawn outside the loop. A cell draws ``dropout_mask_count``
input masks and as many recurrent-state masks: one shared by all gates (Keras's implementation 2),
or one per gate (Keras's implementation 1, which LSTM and GRU switch to with recurrent dropout and
ConvLSTM always uses), each gate then projecting its own dropped-out copy with its kernel slice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from oneiros import activations, arguments, constraints, initializers, ops, regularizers
from oneiros.layers import Layer
from oneiros.layers.seed_generator import SeedGenerator


Masks = Sequence[Any] | None
"""Dropout masks of one kind (inputs or recurrent state): ``dropout_mask_count`` of them, or None."""


def gate_projection(value: Any, masks: Masks, kernel: Any, project: Callable[[Any, Any], Any],
                    axis: int = -1) -> Any:
    """``project(value, kernel)`` with dropout: one mask multiplies ``value`` for all gates; with
    one mask per gate, gate g projects ``value * masks[g]`` with its slice of the kernel's last
    axis and the results are concatenated along ``axis`` (the gates' axis of the result)."""
    if masks is None:
        return project(value, kernel)
    if len(masks) == 1:
        return project(ops.multiply(value, masks[0]), kernel)
    kernels = ops.split(kernel, len(masks), axis=-1)
    return ops.concatenate([project(ops.multiply(value, mask), gate_kernel)
                            for mask, gate_kernel in zip(masks, kernels)], axis=axis)


class RecurrentCell(Layer):
    """Base class of the built-in cells: holds the arguments they share (Keras names), creates
    ``kernel`` (input_dim, gates * units), ``recurrent_kernel`` (units, gates * units) and
    ``bias``. Subclasses set :attr:`gates` and :attr:`state_size` and implement :meth:`step`."""

    gates = 1

    def __init__(self, units: int, activation: Any = "tanh", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, kernel_constraint: Any = None, recurrent_constraint: Any = None,
                 bias_constraint: Any = None, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 seed: int | None = None, **kwargs: Any):
        owner = type(self).__name__
        units = arguments.positive_int(owner, "units", units)
        use_bias = arguments.flag(owner, "use_bias", use_bias)
        dropout = arguments.fraction(owner, "dropout", dropout, allow_one=False)
        recurrent_dropout = arguments.fraction(owner, "recurrent_dropout", recurrent_dropout, allow_one=False)
        seed = arguments.seed(owner, seed)
        super().__init__(**kwargs)
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.seed = seed
        self.seed_generator = SeedGenerator(seed) if dropout or recurrent_dropout else None

    def build(self, input_shape: tuple) -> None:
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(f"{type(self).__name__} {self.name!r} needs a known last input axis; "
                             f"received shape {tuple(input_shape)}.")
        width = self.gates * self.units
        self.kernel = self.add_weight(shape=(input_dim, width), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                      name="kernel")
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, width), initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer, constraint=self.recurrent_constraint, name="recurrent_kernel",
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=self._bias_shape(), initializer=self._full_bias_initializer(),
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                        name="bias")

    def _bias_shape(self) -> tuple[int, ...]:
        return (self.gates * self.units,)

    def _full_bias_initializer(self) -> Any:
        return self.bias_initializer

    @property
    def state_size(self) -> int | list[int]:
        return self.units

    @property
    def output_size(self) -> int:
        return self.units

    def state_sizes(self) -> list[int]:
        size = self.state_size
        return list(size) if isinstance(size, (list, tuple)) else [size]

    def get_initial_state(self, batch_size: int) -> list[Any]:
        return [ops.zeros((batch_size, size), self.compute_dtype) for size in self.state_sizes()]

    @property
    def dropout_mask_count(self) -> int:
        """How many input masks (and recurrent masks) a sequence gets: 1, shared by the gates."""
        return 1

    def dropout_mask_shapes(self, batch_size: int, input_dim: int) -> tuple[tuple, tuple]:
        """(shape of an input mask, shape of a recurrent mask)."""
        return (batch_size, input_dim), (batch_size, self.units)

    def dropout_masks(self, batch_size: int, input_dim: int, training: bool | None) -> tuple[Masks, Masks]:
        """(input masks, recurrent masks) for one sequence: ``dropout_mask_count`` scaled keep
        masks each, or None when unused. All input masks are drawn before the recurrent ones, as
        Keras draws them."""
        if not training:
            return None, None
        input_shape, state_shape = self.dropout_mask_shapes(batch_size, input_dim)
        input_masks = self._draw_masks(input_shape, self.dropout) if self.dropout else None
        recurrent_masks = self._draw_masks(state_shape, self.recurrent_dropout) if self.recurrent_dropout else None
        return input_masks, recurrent_masks

    def _draw_masks(self, shape: tuple, rate: float) -> list[Any]:
        return [ops.dropout(ops.ones(shape, self.compute_dtype), rate, seed=self.seed_generator.next())
                for _ in range(self.dropout_mask_count)]

    def step(self, inputs: Any, states: Sequence[Any], input_masks: Masks,
             recurrent_masks: Masks) -> tuple[Any, list[Any]]:
        """``(output, new_states)`` from one step's inputs and the previous states; the masks (or
        None) multiply the inputs and the previous output where they enter the gates (see
        :func:`gate_projection`)."""
        raise NotImplementedError(f"{type(self).__name__} must implement step.")

    def call(self, inputs: Any, states: Any = None, training: bool | None = None) -> tuple[Any, list[Any]]:
        """One step: ``cell(x_t, states)`` -> ``(output, new_states)``; states default to zeros."""
        batch_size, input_dim = ops.shape(inputs)[0], ops.shape(inputs)[-1]
        if states is None:
            states = self.get_initial_state(batch_size)
        elif not isinstance(states, (list, tuple)):
            states = [states]
        if len(states) != len(self.state_sizes()):
            raise ValueError(f"{type(self).__name__} {self.name!r} has {len(self.state_sizes())} states; "
                             f"received {len(states)}.")
        input_masks, recurrent_masks = self.dropout_masks(batch_size, input_dim, training)
        return self.step(inputs, list(states), input_masks, recurrent_masks)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            **self.serialized("kernel_initializer", "recurrent_initializer", "bias_initializer",
                              "kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "kernel_constraint",
                              "recurrent_constraint", "bias_constraint"),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }
