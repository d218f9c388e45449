"""AdaptiveAveragePooling1D: average pooling to a fixed output size."""

from oneiros_vision.layers._base_adaptive_pooling import BaseAdaptivePooling


class AdaptiveAveragePooling1D(BaseAdaptivePooling):
    """Averages each of ``output_size`` windows per spatial axis of inputs (batch, steps, channels)
    (channels first with ``data_format="channels_first"``), whatever their size.

    Example::

        layer = oi.layers.AdaptiveAveragePooling1D(5)
        y = layer(x)          # x of shape (4, 50, 8)
    """

    rank = 1
    pool_mode = "average"
