"""GlobalMaxPooling2D: maximum over every spatial position."""

from oneiros_vision.layers._base_global_pooling import BaseGlobalPooling


class GlobalMaxPooling2D(BaseGlobalPooling):
    """The maximum over the spatial axes of its inputs, per channel.

    Example::

        layer = oi.layers.GlobalMaxPooling2D()
        y = layer(np.zeros((2, 28, 28, 8), "float32"))      # shape (2, 8)
    """

    rank = 2
    pool_mode = "max"
