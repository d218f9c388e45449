"""PReLU: a leaky ReLU whose negative slopes are learned weights."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, constraints, initializers, ops, regularizers
import oneiros.layers._validation as _validation
from oneiros.layers.layer import InputSpec, Layer


class PReLU(Layer):
    """``x`` for positive inputs, ``alpha * x`` for negative ones, with ``alpha`` a weight of the
    input's shape without its batch axis; ``shared_axes`` (an int or a list, counted with the batch
    axis as 0) share one slope along those axes (Keras's ``layers.PReLU``).

    Example::

        layer = oi.layers.PReLU(shared_axes=[1, 2])          # one slope per channel of an image
        y = layer(np.zeros((8, 28, 28, 3), "float32"))
        layer.alpha.shape                                    # (1, 1, 3)
    """

    supports_masking = True

    def __init__(self, alpha_initializer: Any = "Zeros", alpha_regularizer: Any = None, alpha_constraint: Any = None,
                 shared_axes: int | list[int] | None = None, **kwargs: Any):
        owner = type(self).__name__
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        self.shared_axes = arguments.config_axes(arguments.axes(owner, "shared_axes", shared_axes, optional=True))
        if isinstance(self.shared_axes, int):
            self.shared_axes = [self.shared_axes]
        if self.shared_axes is not None and any(axis < 1 for axis in self.shared_axes):
            raise ValueError(f"{owner}: argument `shared_axes` counts the batch axis as 0, so it holds ints >= 1; "
                             f"received shared_axes={shared_axes!r}.")
        super().__init__(**kwargs)

    def build(self, input_shape: tuple) -> None:
        rank = len(input_shape)
        shared = set(self.shared_axes or ())
        if any(axis >= rank for axis in shared):
            raise ValueError(f"{_validation.describe(self)}: shared_axes {self.shared_axes} must be axes of the "
                             f"inputs; received input shape {tuple(input_shape)}.")
        kept = [axis for axis in range(1, rank) if axis not in shared]
        sizes = _validation.known_sizes(self, kept, input_shape)
        self.alpha = self.add_weight(shape=_validation.broadcast_shape(rank, kept, sizes)[1:], name="alpha",
                                     initializer=self.alpha_initializer, regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint)
        self.input_spec = InputSpec(ndim=rank, axes=dict(zip(kept, sizes)))

    def call(self, inputs: Any) -> Any:
        negative_part = ops.multiply(self.alpha.value, ops.relu(ops.negative(inputs)))
        return ops.subtract(ops.relu(inputs), negative_part)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            **self.serialized("alpha_initializer", "alpha_regularizer", "alpha_constraint"),
            "shared_axes": self.shared_axes,
        }
