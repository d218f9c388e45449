"""ELU: the exponential linear unit as a layer."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, activations
from oneiros.layers.layer import Layer


class ELU(Layer):
    """``x`` for positive inputs, ``alpha * (exp(x) - 1)`` for negative ones (Keras's ``layers.ELU``).

    Unlike Keras 3, whose config forgets ``alpha``, the config keeps it, so a saved ELU comes back
    with its slope.

    Example::

        y = oi.layers.ELU(alpha=0.5)(np.array([-1.0, 2.0], "float32"))   # [0.5 * (e**-1 - 1), 2]
    """

    supports_masking = True

    def __init__(self, alpha: float = 1.0, **kwargs: Any):
        self.alpha = arguments.real(type(self).__name__, "alpha", alpha)
        super().__init__(**kwargs)

    def call(self, inputs: Any) -> Any:
        return activations.elu(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "alpha": self.alpha}
