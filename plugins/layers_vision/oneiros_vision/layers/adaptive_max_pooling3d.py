"""AdaptiveMaxPooling3D: max pooling to a fixed output size."""

from oneiros_vision.layers._base_adaptive_pooling import BaseAdaptivePooling


class AdaptiveMaxPooling3D(BaseAdaptivePooling):
    """Takes the maximum of each of ``output_size`` windows per spatial axis of inputs (batch, depth, height, width, channels)
    (channels first with ``data_format="channels_first"``), whatever their size.

    Example::

        layer = oi.layers.AdaptiveMaxPooling3D((2, 2, 2))
        y = layer(x)          # x of shape (2, 9, 10, 11, 3)
    """

    rank = 3
    pool_mode = "max"
