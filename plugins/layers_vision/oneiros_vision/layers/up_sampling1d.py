"""UpSampling1D: 1D upsampling by repetition."""

from oneiros_vision.layers._base_up_sampling import BaseUpSampling


class UpSampling1D(BaseUpSampling):
    """Repeats each element ``size`` times along every spatial axis.

    Example::

        layer = oi.layers.UpSampling1D(2)
        y = layer(np.zeros((2, 10, 4), "float32"))      # shape (2, 20, 4)
    """

    rank = 1
