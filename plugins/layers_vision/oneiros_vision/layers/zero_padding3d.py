"""ZeroPadding3D: zeros around a 3D input."""

from oneiros_vision.layers._base_zero_padding import BaseZeroPadding


class ZeroPadding3D(BaseZeroPadding):
    """Adds zeros at both ends of every spatial axis.

    Example::

        layer = oi.layers.ZeroPadding3D(1)
        y = layer(np.zeros((1, 4, 4, 4, 2), "float32"))      # shape (1, 6, 6, 6, 2)
    """

    rank = 3
