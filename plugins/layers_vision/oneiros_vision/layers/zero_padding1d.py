"""ZeroPadding1D: zeros around a 1D input."""

from oneiros_vision.layers._base_zero_padding import BaseZeroPadding


class ZeroPadding1D(BaseZeroPadding):
    """Adds zeros at both ends of every spatial axis.

    Example::

        layer = oi.layers.ZeroPadding1D(1)
        y = layer(np.zeros((2, 10, 4), "float32"))      # shape (2, 12, 4)
    """

    rank = 1
