"""ZeroPadding2D: zeros around a 2D input."""

from oneiros_vision.layers._base_zero_padding import BaseZeroPadding


class ZeroPadding2D(BaseZeroPadding):
    """Adds zeros at both ends of every spatial axis.

    Example::

        layer = oi.layers.ZeroPadding2D(1)
        y = layer(np.zeros((2, 8, 8, 3), "float32"))      # shape (2, 10, 10, 3)
    """

    rank = 2
