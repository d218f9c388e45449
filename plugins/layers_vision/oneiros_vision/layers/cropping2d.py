"""Cropping2D: a 2D input with its borders cut off."""

from oneiros_vision.layers._base_cropping import BaseCropping


class Cropping2D(BaseCropping):
    """Removes elements from both ends of every spatial axis.

    Example::

        layer = oi.layers.Cropping2D(1)
        y = layer(np.zeros((2, 8, 8, 3), "float32"))      # shape (2, 6, 6, 3)
    """

    rank = 2
