"""Conv3D: a 3D convolution layer."""

from oneiros_vision.layers._base_conv import BaseConv


class Conv3D(BaseConv):
    """Convolves a kernel over the depth, height and width of its inputs (cross-correlation, as in Keras).

    Inputs are ``(batch, *spatial, channels)``, or ``(batch, channels, *spatial)`` with
    ``data_format="channels_first"``. ``groups`` splits the channels into independent
    convolutions.

    Example::

        layer = oi.layers.Conv3D(4, (3, 3, 3), strides=2, padding="same")
        y = layer(np.zeros((1, 8, 8, 8, 2), "float32"))  # shape (1, 4, 4, 4, 4)
    """

    rank = 3
