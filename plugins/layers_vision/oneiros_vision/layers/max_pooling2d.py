"""MaxPooling2D: 2D max pooling."""

from oneiros_vision.layers._base_pooling import BasePooling


class MaxPooling2D(BasePooling):
    """The maximum of each ``pool_size`` window of its inputs, per channel.

    Example::

        layer = oi.layers.MaxPooling2D(2)
        y = layer(np.zeros((2, 28, 28, 8), "float32"))      # shape (2, 14, 14, 8)
    """

    rank = 2
    pool_mode = "max"
