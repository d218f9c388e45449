"""SpectralNormalization: divides a layer's kernel by its largest singular value while training."""

from __future__ import annotations

import numbers
from typing import Any

from oneiros import initializers, ops
from oneiros.backend._keras_settings import EPSILON
from oneiros.layers.layer import InputSpec, Layer
from oneiros.layers.wrapper import Wrapper


class SpectralNormalization(Wrapper):
    """Wraps a layer with a ``kernel`` (Dense, Conv2D...) or ``embeddings`` (Embedding) and, in
    training calls, replaces that weight by ``weight / sigma``, sigma its spectral norm estimated
    by ``power_iterations`` steps of power iteration from the non-trainable ``vector_u``
    (Miyato et al., 2018), as Keras 3 does. Inference calls use the kernel as it is. In a
    compiled training step the normalized kernel is what the step computes with and
    differentiates through; the optimizer then updates the kernel itself (Keras on JAX alike).

    Example::

        layer = oi.layers.SpectralNormalization(oi.layers.Dense(10))
        y = layer(np.ones((2, 4), "float32"), training=True)
    """

    def __init__(self, layer: Layer, power_iterations: int = 1, **kwargs: Any):
        if isinstance(power_iterations, bool) or not isinstance(power_iterations, numbers.Integral) \
                or power_iterations <= 0:
            raise ValueError(f"SpectralNormalization: argument `power_iterations` must be an int > 0; received "
                             f"power_iterations={power_iterations!r}.")
        super().__init__(layer, **kwargs)
        self.power_iterations = int(power_iterations)

    def build(self, input_shape: tuple) -> None:
        super().build(input_shape)
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        kernel = getattr(self.layer, "kernel", None)
        if kernel is None:
            kernel = getattr(self.layer, "embeddings", None)
        if kernel is None:
            raise ValueError(f"SpectralNormalization: the wrapped {type(self.layer).__name__} {self.layer.name!r} "
                             "has neither a `kernel` nor an `embeddings` weight.")
        self.kernel = kernel
        # Keras tracks the wrapped kernel as the wrapper's own weight too: weights come in its order.
        self._own_variables.append(kernel)
        self.vector_u = self.add_weight(shape=(1, kernel.shape[-1]),
                                        initializer=initializers.TruncatedNormal(stddev=0.02), trainable=False,
                                        name="vector_u", dtype=kernel.dtype)

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        if training:
            vector_u, kernel = ops.cond(ops.all(ops.equal(self.kernel.value, 0)),
                                        lambda: (self.vector_u.value, self.kernel.value), self.normalized_weights)
            self.vector_u.assign(vector_u)
            self.kernel.assign(kernel)
        return ops.cast(self.layer(inputs), ops.dtype(inputs))

    def normalized_weights(self) -> tuple[Any, Any]:
        """(the new ``vector_u``, the kernel divided by its estimated spectral norm)."""
        shape = self.kernel.shape
        weights = ops.reshape(self.kernel.value, (-1, shape[-1]))
        vector_u = self.vector_u.value
        for _ in range(self.power_iterations):
            vector_v = _l2_normalize(ops.matmul(vector_u, ops.transpose(weights)))
            vector_u = _l2_normalize(ops.matmul(vector_v, weights))
        vector_u, vector_v = ops.stop_gradient(vector_u), ops.stop_gradient(vector_v)
        sigma = ops.matmul(ops.matmul(vector_v, weights), ops.transpose(vector_u))
        kernel = ops.reshape(ops.divide(self.kernel.value, sigma), shape)
        return ops.cast(vector_u, self.vector_u.dtype), ops.cast(kernel, self.kernel.dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "power_iterations": self.power_iterations}


def _l2_normalize(x: Any) -> Any:
    """``x`` over its L2 norm (all elements), as Keras's ``normalize(axis=None)``."""
    inverse = ops.minimum(ops.rsqrt(ops.sum(ops.square(x), keepdims=True)), 1.0 / EPSILON)
    return ops.multiply(x, inverse)
