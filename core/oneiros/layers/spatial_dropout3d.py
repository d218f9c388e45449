"""SpatialDropout3D: drops whole 3-D feature maps while training."""

from __future__ import annotations

from typing import Any

from oneiros import arguments
from oneiros.layers._spatial_dropout import SpatialDropoutBase


class SpatialDropout3D(SpatialDropoutBase):
    """Dropout for inputs ``(batch, dim1, dim2, dim3, channels)`` (or channels first with
    ``data_format="channels_first"``) that drops each channel's whole feature map at once.

    Example::

        layer = oi.layers.SpatialDropout3D(0.5, seed=1)
        y = layer(np.ones((2, 2, 2, 2, 4), "float32"), training=True)   # each channel map all 0 or all 2
    """

    spatial_rank = 3

    def __init__(self, rate: float, data_format: str | None = None, seed: int | None = None, **kwargs: Any):
        checked_format = arguments.data_format(type(self).__name__, data_format)
        super().__init__(rate, data_format=checked_format, seed=seed, **kwargs)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "data_format": self.data_format}
