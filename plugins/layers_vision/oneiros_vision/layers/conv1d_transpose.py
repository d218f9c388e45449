"""Conv1DTranspose: a 1D transposed convolution layer."""

from oneiros_vision.layers._base_conv_transpose import BaseConvTranspose


class Conv1DTranspose(BaseConvTranspose):
    """Upsamples with the transpose of a 1D convolution (a "deconvolution").

    Inputs are ``(batch, *spatial, channels)``, or ``(batch, channels, *spatial)`` with
    ``data_format="channels_first"``.

    Example::

        layer = oi.layers.Conv1DTranspose(8, 3, strides=2, padding="same")
        y = layer(np.zeros((2, 10, 4), "float32"))      # shape (2, 20, 8)
    """

    rank = 1
