"""Conv2DTranspose: a 2D transposed convolution layer."""

from oneiros_vision.layers._base_conv_transpose import BaseConvTranspose


class Conv2DTranspose(BaseConvTranspose):
    """Upsamples with the transpose of a 2D convolution (a "deconvolution").

    Inputs are ``(batch, *spatial, channels)``, or ``(batch, channels, *spatial)`` with
    ``data_format="channels_first"``.

    Example::

        layer = oi.layers.Conv2DTranspose(16, 3, strides=2)
        y = layer(np.zeros((2, 7, 7, 32), "float32"))   # shape (2, 15, 15, 16)
    """

    rank = 2
