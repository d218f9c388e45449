"""SpatialDropout1D: drops whole features of a sequence while training."""

from __future__ import annotations

from typing import Any

from oneiros.layers._spatial_dropout import SpatialDropoutBase


class SpatialDropout1D(SpatialDropoutBase):
    """Dropout for inputs ``(batch, steps, channels)`` that drops a channel at every step at once.

    Adjacent steps are strongly correlated, so entry-wise dropout barely regularizes them;
    dropping whole channels does (Tompson et al., 2015).

    Example::

        layer = oi.layers.SpatialDropout1D(0.5, seed=1)
        y = layer(np.ones((2, 5, 4), "float32"), training=True)   # each y[b, :, c] is all 0 or all 2
    """

    spatial_rank = 1

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any):
        super().__init__(rate, seed=seed, **kwargs)
