"""Cropping3D: a 3D input with its borders cut off."""

from oneiros_vision.layers._base_cropping import BaseCropping


class Cropping3D(BaseCropping):
    """Removes elements from both ends of every spatial axis.

    Example::

        layer = oi.layers.Cropping3D(1)
        y = layer(np.zeros((1, 4, 4, 4, 2), "float32"))      # shape (1, 2, 2, 2, 2)
    """

    rank = 3
