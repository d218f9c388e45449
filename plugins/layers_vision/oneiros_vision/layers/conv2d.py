"""Conv2D: a 2D convolution layer."""

from oneiros_vision.layers._base_conv import BaseConv


class Conv2D(BaseConv):
    """Convolves a kernel over the height and width of its inputs (cross-correlation, as in Keras).

    Inputs are ``(batch, *spatial, channels)``, or ``(batch, channels, *spatial)`` with
    ``data_format="channels_first"``. ``groups`` splits the channels into independent
    convolutions.

    Example::

        layer = oi.layers.Conv2D(32, 3, activation="relu")
        y = layer(np.zeros((2, 28, 28, 1), "float32"))  # shape (2, 26, 26, 32)
    """

    rank = 2
