"""Conv3DTranspose: a 3D transposed convolution layer."""

from oneiros_vision.layers._base_conv_transpose import BaseConvTranspose


class Conv3DTranspose(BaseConvTranspose):
    """Upsamples with the transpose of a 3D convolution (a "deconvolution").

    Inputs are ``(batch, *spatial, channels)``, or ``(batch, channels, *spatial)`` with
    ``data_format="channels_first"``.

    Example::

        layer = oi.layers.Conv3DTranspose(4, 2, strides=2)
        y = layer(np.zeros((1, 4, 4, 4, 8), "float32"))  # shape (1, 8, 8, 8, 4)
    """

    rank = 3
