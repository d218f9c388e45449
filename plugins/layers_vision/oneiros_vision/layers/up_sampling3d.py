"""UpSampling3D: 3D upsampling by repetition."""

from oneiros_vision.layers._base_up_sampling import BaseUpSampling


class UpSampling3D(BaseUpSampling):
    """Repeats each element ``size`` times along every spatial axis.

    Example::

        layer = oi.layers.UpSampling3D(2)
        y = layer(np.zeros((1, 4, 4, 4, 2), "float32"))      # shape (1, 8, 8, 8, 2)
    """

    rank = 3
