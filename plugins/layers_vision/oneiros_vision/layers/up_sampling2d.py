"""UpSampling2D: 2D upsampling by repetition."""

from oneiros_vision.layers._base_up_sampling import BaseUpSampling


class UpSampling2D(BaseUpSampling):
    """Repeats each element ``size`` times along height and width, or interpolates with
    ``interpolation="bilinear"``.

    Example::

        layer = oi.layers.UpSampling2D(2)
        y = layer(np.zeros((2, 8, 8, 3), "float32"))      # shape (2, 16, 16, 3)
    """

    rank = 2
    interpolations = ("nearest", "bilinear")
