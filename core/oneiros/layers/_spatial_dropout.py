"""The shared part of SpatialDropout1D/2D/3D: dropout of whole feature maps."""

from __future__ import annotations

from typing import Any

from oneiros.layers.dropout import Dropout
from oneiros.layers.layer import InputSpec


class SpatialDropoutBase(Dropout):
    """Dropout whose keep/drop draw is shared across all spatial positions of a channel."""

    spatial_rank: int

    def __init__(self, rate: float, data_format: str = "channels_last", seed: int | None = None, **kwargs: Any):
        super().__init__(rate, noise_shape=None, seed=seed, **kwargs)
        self.data_format = data_format
        self.input_spec = InputSpec(ndim=self.spatial_rank + 2)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["noise_shape"]
        return config

    def _noise_shape_for(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        ones = (1,) * self.spatial_rank
        if self.data_format == "channels_first":
            return (input_shape[0], input_shape[1], *ones)
        return (input_shape[0], *ones, input_shape[-1])
