"""BatchNormalization: normalizes with batch statistics while training, moving ones otherwise."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, constraints, initializers, ops, regularizers
from oneiros.backend._keras_settings import EPSILON as MASKED_MOMENTS_EPSILON
import oneiros.layers._validation as _validation
from oneiros.layers._normalization import affine_from_moments
from oneiros.layers.layer import InputSpec, Layer


class BatchNormalization(Layer):
    """Normalizes each feature (along ``axis``) to ``gamma * (x - mean) / sqrt(var + epsilon) + beta``.

    With ``training=True`` (in ``fit``) mean and var are the current batch's, over every axis but
    ``axis``, and the moving statistics are updated:
    ``moving = moving * momentum + batch_statistic * (1 - momentum)``. Otherwise (``predict``,
    ``evaluate``, plain calls) the moving mean and variance are used. A layer with
    ``trainable=False`` always uses its moving statistics and never updates them.

    A mask (one axis fewer than the inputs, True = keep) leaves masked steps out of the batch
    statistics. Statistics are computed in float32 whatever the dtype policy.

    Example::

        layer = oi.layers.BatchNormalization()
        y = layer(x, training=True)        # each feature of y: mean 0, variance ~1 over the batch
    """

    supports_masking = True

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: Any = "zeros", gamma_initializer: Any = "ones",
                 moving_mean_initializer: Any = "zeros", moving_variance_initializer: Any = "ones",
                 beta_regularizer: Any = None, gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, synchronized: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        owner = type(self).__name__
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise ValueError(f"{owner}: argument `axis` must be an int; received axis={axis!r}.")
        if synchronized:
            raise ValueError(f"{owner}: synchronized=True (batch statistics shared across devices) is not "
                             "supported; Keras offers it only on TensorFlow. Use synchronized=False.")
        self.axis = axis
        self.momentum = arguments.real(owner, "momentum", momentum, minimum=0.0, maximum=1.0)
        self.epsilon = arguments.real(owner, "epsilon", epsilon, minimum=0.0, exclusive_minimum=True)
        self.center = bool(center)
        self.scale = bool(scale)
        self.synchronized = False
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)

    def build(self, input_shape: tuple) -> None:
        (self._feature_axis,) = _validation.resolve_axes(self, self.axis, input_shape)
        (features,) = _validation.known_sizes(self, [self._feature_axis], input_shape)
        self.gamma = self.beta = None
        if self.scale:
            self.gamma = self.add_weight(shape=(features,), initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                         name="gamma")
        if self.center:
            self.beta = self.add_weight(shape=(features,), initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                        name="beta")
        self.moving_mean = self.add_weight(shape=(features,), initializer=self.moving_mean_initializer,
                                           trainable=False, name="moving_mean", autocast=False)
        self.moving_variance = self.add_weight(shape=(features,), initializer=self.moving_variance_initializer,
                                               trainable=False, name="moving_variance", autocast=False)
        rank = len(input_shape)
        self._reduction_axes = tuple(axis for axis in range(rank) if axis != self._feature_axis)
        self._stat_shape = _validation.broadcast_shape(rank, [self._feature_axis], [features])
        self.input_spec = InputSpec(ndim=rank, axes={self._feature_axis: features})

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        if mask is not None and len(ops.shape(mask)) != len(ops.shape(inputs)) - 1:
            raise ValueError(f"{_validation.describe(self)} needs a mask with one axis fewer than its inputs; "
                             f"received mask shape {tuple(ops.shape(mask))} for inputs of shape "
                             f"{tuple(ops.shape(inputs))}.")
        x = ops.cast(inputs, "float32")
        moving_mean = ops.cast(self.moving_mean.value, "float32")
        moving_variance = ops.cast(self.moving_variance.value, "float32")
        if training and self.trainable:
            mean, variance = self._batch_moments(x, mask)
            new_share = 1.0 - self.momentum
            self.moving_mean.assign(ops.add(ops.multiply(moving_mean, self.momentum), ops.multiply(mean, new_share)))
            self.moving_variance.assign(
                ops.add(ops.multiply(moving_variance, self.momentum), ops.multiply(variance, new_share)))
        else:
            mean, variance = moving_mean, moving_variance
        inverse, shift = affine_from_moments(mean, variance, self.epsilon, self.gamma, self.beta,
                                             lambda weight: ops.cast(weight.value, "float32"))
        outputs = ops.add(ops.multiply(x, ops.reshape(inverse, self._stat_shape)),
                          ops.reshape(shift, self._stat_shape))
        return ops.cast(outputs, self.compute_dtype)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        _validation.resolve_axes(self, self.axis, input_shape)
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            **self.serialized("beta_initializer", "gamma_initializer", "moving_mean_initializer",
                              "moving_variance_initializer", "beta_regularizer", "gamma_regularizer",
                              "beta_constraint", "gamma_constraint"),
            "synchronized": self.synchronized,
        }

    def _batch_moments(self, x: Any, mask: Any) -> tuple[Any, Any]:
        """Mean and (population) variance per feature, over the unmasked entries."""
        if mask is None:
            return ops.moments(x, self._reduction_axes)
        keep = ops.broadcast_to(ops.expand_dims(ops.cast(mask, "bool"), -1), tuple(ops.shape(x)))
        zeros = ops.zeros_like(x)
        count = ops.add(ops.sum(ops.cast(keep, "float32"), axis=self._reduction_axes), MASKED_MOMENTS_EPSILON)
        mean = ops.divide(ops.sum(ops.where(keep, x, zeros), axis=self._reduction_axes), count)
        deviations = ops.where(keep, ops.subtract(x, ops.reshape(mean, self._stat_shape)), zeros)
        variance = ops.divide(ops.sum(ops.square(deviations), axis=self._reduction_axes), count)
        return mean, variance
