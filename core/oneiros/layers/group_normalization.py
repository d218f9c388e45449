"""GroupNormalization: normalizes each sample over groups of channels."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, constraints, initializers, ops, regularizers
import oneiros.layers._validation as _validation
from oneiros.layers._normalization import affine_from_moments
from oneiros.layers.layer import InputSpec, Layer


class GroupNormalization(Layer):
    """Splits the channels (``axis``) into ``groups`` groups of consecutive channels and
    normalizes each sample's group over its channels and all other non-batch axes, then applies
    a per-channel ``gamma`` and ``beta`` (Wu and He, 2018). ``groups=-1`` makes one group per
    channel (instance normalization); ``groups=1`` is layer normalization over all features.
    Statistics are computed in float32 whatever the dtype policy.

    Example::

        layer = oi.layers.GroupNormalization(groups=2)
        y = layer(np.random.rand(8, 5, 5, 4).astype("float32"))     # channels {0, 1} and {2, 3}
    """

    supports_masking = True

    def __init__(self, groups: int = 32, axis: int = -1, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: Any = "zeros", gamma_initializer: Any = "ones",
                 beta_regularizer: Any = None, gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        owner = type(self).__name__
        if isinstance(groups, bool) or not isinstance(groups, int) or (groups <= 0 and groups != -1):
            raise ValueError(f"{owner}: argument `groups` must be a positive int, or -1 for one group per "
                             f"channel; received groups={groups!r}.")
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise ValueError(f"{owner}: argument `axis` must be an int; received axis={axis!r}.")
        self.groups = groups
        self.axis = axis
        self.epsilon = arguments.real(owner, "epsilon", epsilon, minimum=0.0)
        self.center = bool(center)
        self.scale = bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)

    def build(self, input_shape: tuple) -> None:
        (self._channel_axis,) = _validation.resolve_axes(self, self.axis, input_shape)
        if self._channel_axis == 0:
            raise ValueError(f"{_validation.describe(self)} cannot group the batch axis; received axis={self.axis} "
                             f"for inputs of shape {input_shape}.")
        (channels,) = _validation.known_sizes(self, [self._channel_axis], input_shape)
        groups = channels if self.groups == -1 else self.groups
        if channels % groups != 0:
            raise ValueError(f"{_validation.describe(self)}: {channels} channels (axis {self.axis} of input shape "
                             f"{input_shape}) cannot be split into groups={self.groups} equal groups.")
        self._group_count = groups
        rank = len(input_shape)
        self._reduction_axes = tuple(axis for axis in range(1, rank + 1) if axis != self._channel_axis)
        self._weight_shape = _validation.broadcast_shape(
            rank + 1, [self._channel_axis, self._channel_axis + 1], [groups, channels // groups])
        self.gamma = self.beta = None
        if self.scale:
            self.gamma = self.add_weight(shape=(channels,), initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                         name="gamma")
        if self.center:
            self.beta = self.add_weight(shape=(channels,), initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                        name="beta")
        self.input_spec = InputSpec(ndim=rank, axes={self._channel_axis: channels})

    def call(self, inputs: Any) -> Any:
        shape = tuple(ops.shape(inputs))
        axis = self._channel_axis
        groups = self._group_count
        grouped = ops.reshape(ops.cast(inputs, "float32"),
                              (*shape[:axis], groups, shape[axis] // groups, *shape[axis + 1:]))
        mean, variance = ops.moments(grouped, self._reduction_axes, keepdims=True)
        inverse, shift = affine_from_moments(mean, variance, self.epsilon, self.gamma, self.beta, self._grouped)
        outputs = ops.reshape(ops.add(ops.multiply(grouped, inverse), shift), shape)
        return ops.cast(outputs, self.compute_dtype)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        _validation.resolve_axes(self, self.axis, input_shape)
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "groups": self.groups,
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            **self.serialized("beta_initializer", "gamma_initializer", "beta_regularizer", "gamma_regularizer",
                              "beta_constraint", "gamma_constraint"),
        }

    def _grouped(self, weight: Any) -> Any:
        """A per-channel weight reshaped to broadcast over the grouped inputs."""
        return ops.reshape(ops.cast(weight.value, "float32"), self._weight_shape)
