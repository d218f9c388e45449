"""AdaptiveMaxPooling2D: max pooling to a fixed output size."""

from oneiros_vision.layers._base_adaptive_pooling import BaseAdaptivePooling


class AdaptiveMaxPooling2D(BaseAdaptivePooling):
    """Takes the maximum of each of ``output_size`` windows per spatial axis of inputs (batch, height, width, channels)
    (channels first with ``data_format="channels_first"``), whatever their size.

    Example::

        layer = oi.layers.AdaptiveMaxPooling2D((7, 7))
        y = layer(x)          # x of shape (4, 30, 40, 3)
    """

    rank = 2
    pool_mode = "max"
