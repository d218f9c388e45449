"""DepthwiseConv1D: a 1D per-channel convolution layer."""

from oneiros_vision.layers._base_depthwise_conv import BaseDepthwiseConv


class DepthwiseConv1D(BaseDepthwiseConv):
    """Convolves each input channel separately with ``depth_multiplier`` filters of its own;
    the output has ``channels * depth_multiplier`` channels.

    Example::

        layer = oi.layers.DepthwiseConv1D(3, depth_multiplier=2)
        y = layer(np.zeros((2, 10, 4), "float32"))      # shape (2, 8, 8)
    """

    rank = 1
