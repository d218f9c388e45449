"""Conv1D: a 1D convolution layer."""

from oneiros_vision.layers._base_conv import BaseConv


class Conv1D(BaseConv):
    """Convolves a kernel over the steps of its inputs (cross-correlation, as in Keras).

    Inputs are ``(batch, *spatial, channels)``, or ``(batch, channels, *spatial)`` with
    ``data_format="channels_first"``. ``groups`` splits the channels into independent
    convolutions.

    Example::

        layer = oi.layers.Conv1D(8, 3, padding="causal", activation="relu")
        y = layer(np.zeros((2, 10, 4), "float32"))      # shape (2, 10, 8)
    """

    rank = 1
