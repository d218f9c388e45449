"""MaxPooling1D: 1D max pooling."""

from oneiros_vision.layers._base_pooling import BasePooling


class MaxPooling1D(BasePooling):
    """The maximum of each ``pool_size`` window of its inputs, per channel.

    Example::

        layer = oi.layers.MaxPooling1D(2)
        y = layer(np.zeros((2, 10, 4), "float32"))      # shape (2, 5, 4)
    """

    rank = 1
    pool_mode = "max"
