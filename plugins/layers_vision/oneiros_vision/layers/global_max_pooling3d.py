"""GlobalMaxPooling3D: maximum over every spatial position."""

from oneiros_vision.layers._base_global_pooling import BaseGlobalPooling


class GlobalMaxPooling3D(BaseGlobalPooling):
    """The maximum over the spatial axes of its inputs, per channel.

    Example::

        layer = oi.layers.GlobalMaxPooling3D()
        y = layer(np.zeros((1, 8, 8, 8, 2), "float32"))      # shape (1, 2)
    """

    rank = 3
    pool_mode = "max"
