"""AdaptiveAveragePooling2D: average pooling to a fixed output size."""

from oneiros_vision.layers._base_adaptive_pooling import BaseAdaptivePooling


class AdaptiveAveragePooling2D(BaseAdaptivePooling):
    """Averages each of ``output_size`` windows per spatial axis of inputs (batch, height, width, channels)
    (channels first with ``data_format="channels_first"``), whatever their size.

    Example::

        layer = oi.layers.AdaptiveAveragePooling2D((7, 7))
        y = layer(x)          # x of shape (4, 30, 40, 3)
    """

    rank = 2
    pool_mode = "average"
