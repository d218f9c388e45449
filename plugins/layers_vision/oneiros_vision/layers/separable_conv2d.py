"""SeparableConv2D: a 2D depthwise-separable convolution layer."""

from oneiros_vision.layers._base_separable_conv import BaseSeparableConv


class SeparableConv2D(BaseSeparableConv):
    """A depthwise convolution followed by a 1x1 (pointwise) convolution to ``filters``
    channels: far fewer weights than a full convolution of the same window.

    Example::

        layer = oi.layers.SeparableConv2D(32, 3, strides=2)
        y = layer(np.zeros((2, 9, 9, 3), "float32"))    # shape (2, 4, 4, 32)
    """

    rank = 2
