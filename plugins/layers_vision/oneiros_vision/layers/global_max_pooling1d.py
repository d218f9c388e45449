"""GlobalMaxPooling1D: maximum over every spatial position."""

from oneiros_vision.layers._base_global_pooling import BaseGlobalPooling


class GlobalMaxPooling1D(BaseGlobalPooling):
    """The maximum over the spatial axes of its inputs, per channel.

    Example::

        layer = oi.layers.GlobalMaxPooling1D()
        y = layer(np.zeros((2, 10, 4), "float32"))      # shape (2, 4)
    """

    rank = 1
    pool_mode = "max"
