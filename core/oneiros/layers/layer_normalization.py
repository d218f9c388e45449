"""LayerNormalization: normalizes each sample over its feature axes."""

from __future__ import annotations

import warnings
from typing import Any

from oneiros import arguments, constraints, initializers, ops, regularizers
import oneiros.layers._validation as _validation
from oneiros.layers._normalization import affine_from_moments
from oneiros.layers.layer import Layer


class LayerNormalization(Layer):
    """Normalizes each sample over ``axis`` (an int or a list of ints) to
    ``gamma * (x - mean) / sqrt(var + epsilon) + beta``, the same in training and inference
    (Ba et al., 2016). ``gamma`` and ``beta`` have the sizes of the normalized axes.

    ``rms_scaling=True`` keeps Keras's deprecated behaviour: ``gamma * x / sqrt(var + epsilon)``
    without centring or ``beta`` (it divides by the standard deviation, not the root mean
    square; use :class:`RMSNormalization` for RMS normalization). Statistics are computed in
    float32 whatever the dtype policy.

    Example::

        layer = oi.layers.LayerNormalization()
        y = layer(np.array([[1.0, 2.0, 3.0]], "float32"))      # ~[[-1.22, 0.0, 1.22]]
    """

    supports_masking = True

    def __init__(self, axis: int | list[int] = -1, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: Any = "zeros", gamma_initializer: Any = "ones",
                 beta_regularizer: Any = None, gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, rms_scaling: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self.axis = arguments.config_axes(arguments.axes(owner, "axis", axis))
        self.epsilon = arguments.real(owner, "epsilon", epsilon, minimum=0.0)
        self.center = bool(center)
        self.scale = bool(scale)
        self.rms_scaling = bool(rms_scaling)
        if self.rms_scaling:
            warnings.warn("LayerNormalization(rms_scaling=True) divides by the standard deviation, not the root "
                          "mean square, as Keras's deprecated argument does; use RMSNormalization for RMS "
                          "normalization.", UserWarning, stacklevel=2)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)

    def build(self, input_shape: tuple) -> None:
        self._axes = _validation.resolve_axes(self, self.axis, input_shape)
        sizes = _validation.known_sizes(self, self._axes, input_shape)
        self._weight_shape = _validation.broadcast_shape(len(input_shape), self._axes, sizes)
        self.gamma = self.beta = None
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(shape=sizes, initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                         name="gamma")
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(shape=sizes, initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                        name="beta")

    def call(self, inputs: Any) -> Any:
        x = ops.cast(inputs, "float32")
        if self.rms_scaling:
            variance = ops.var(x, axis=self._axes, keepdims=True)
            outputs = ops.multiply(x, ops.rsqrt(ops.add(variance, self.epsilon)))
            if self.gamma is not None:
                outputs = ops.multiply(outputs, self._broadcast(self.gamma))
            return ops.cast(outputs, self.compute_dtype)
        mean, variance = ops.moments(x, self._axes, keepdims=True)
        inverse, shift = affine_from_moments(mean, variance, self.epsilon, self.gamma, self.beta, self._broadcast)
        return ops.cast(ops.add(ops.multiply(x, inverse), shift), self.compute_dtype)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        _validation.resolve_axes(self, self.axis, input_shape)
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            **self.serialized("beta_initializer", "gamma_initializer", "beta_regularizer", "gamma_regularizer",
                              "beta_constraint", "gamma_constraint"),
        }

    def _broadcast(self, weight: Any) -> Any:
        return ops.reshape(ops.cast(weight.value, "float32"), self._weight_shape)
