"""Cropping1D: a 1D input with its borders cut off."""

from oneiros_vision.layers._base_cropping import BaseCropping


class Cropping1D(BaseCropping):
    """Removes elements from both ends of every spatial axis.

    Example::

        layer = oi.layers.Cropping1D(1)
        y = layer(np.zeros((2, 10, 4), "float32"))      # shape (2, 8, 4)
    """

    rank = 1
