"""AveragePooling2D: 2D average pooling."""

from oneiros_vision.layers._base_pooling import BasePooling


class AveragePooling2D(BasePooling):
    """The mean of each ``pool_size`` window of its inputs, per channel.

    Example::

        layer = oi.layers.AveragePooling2D(2)
        y = layer(np.zeros((2, 28, 28, 8), "float32"))      # shape (2, 14, 14, 8)
    """

    rank = 2
    pool_mode = "average"
