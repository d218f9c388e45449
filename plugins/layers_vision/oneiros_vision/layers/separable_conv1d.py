"""SeparableConv1D: a 1D depthwise-separable convolution layer."""

from oneiros_vision.layers._base_separable_conv import BaseSeparableConv


class SeparableConv1D(BaseSeparableConv):
    """A depthwise convolution followed by a 1x1 (pointwise) convolution to ``filters``
    channels: far fewer weights than a full convolution of the same window.

    Example::

        layer = oi.layers.SeparableConv1D(16, 3, padding="same")
        y = layer(np.zeros((2, 10, 4), "float32"))      # shape (2, 10, 16)
    """

    rank = 1
