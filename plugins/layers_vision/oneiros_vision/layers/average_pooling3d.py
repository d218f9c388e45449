"""AveragePooling3D: 3D average pooling."""

from oneiros_vision.layers._base_pooling import BasePooling


class AveragePooling3D(BasePooling):
    """The mean of each ``pool_size`` window of its inputs, per channel.

    Example::

        layer = oi.layers.AveragePooling3D(2)
        y = layer(np.zeros((1, 8, 8, 8, 2), "float32"))      # shape (1, 4, 4, 4, 2)
    """

    rank = 3
    pool_mode = "average"
