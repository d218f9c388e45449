"""DepthwiseConv2D: a 2D per-channel convolution layer."""

from oneiros_vision.layers._base_depthwise_conv import BaseDepthwiseConv


class DepthwiseConv2D(BaseDepthwiseConv):
    """Convolves each input channel separately with ``depth_multiplier`` filters of its own;
    the output has ``channels * depth_multiplier`` channels.

    Example::

        layer = oi.layers.DepthwiseConv2D(3, padding="same")
        y = layer(np.zeros((2, 8, 8, 3), "float32"))    # shape (2, 8, 8, 3)
    """

    rank = 2
