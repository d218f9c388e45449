"""AveragePooling1D: 1D average pooling."""

from oneiros_vision.layers._base_pooling import BasePooling


class AveragePooling1D(BasePooling):
    """The mean of each ``pool_size`` window of its inputs, per channel.

    Example::

        layer = oi.layers.AveragePooling1D(2)
        y = layer(np.zeros((2, 10, 4), "float32"))      # shape (2, 5, 4)
    """

    rank = 1
    pool_mode = "average"
