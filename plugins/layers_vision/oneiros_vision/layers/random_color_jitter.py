"""RandomColorJitter: random brightness, contrast, saturation and hue, in that order."""

from __future__ import annotations

from typing import Any

from oneiros import ops

from oneiros_vision.layers import _arguments
from oneiros_vision.layers._base_random_image import BaseRandomImageLayer
from oneiros_vision.layers._config import as_list
from oneiros_vision.layers.random_brightness import RandomBrightness
from oneiros_vision.layers.random_contrast import RandomContrast
from oneiros_vision.layers.random_hue import RandomHue
from oneiros_vision.layers.random_saturation import RandomSaturation


class RandomColorJitter(BaseRandomImageLayer):
    """While training, applies RandomBrightness, RandomContrast, RandomSaturation and RandomHue
    in turn, each only when its factor is given (not None), with the factor's meaning in that
    layer and the shared ``value_range``. Outside training: the identity.

    Example::

        layer = oi.layers.RandomColorJitter(value_range=(0, 1), brightness_factor=0.2, hue_factor=0.1, seed=1)
        y = layer(images, training=True)
    """

    def __init__(self, value_range: Any = (0, 255), brightness_factor: Any = None, contrast_factor: Any = None,
                 saturation_factor: Any = None, hue_factor: Any = None, seed: int | None = None,
                 data_format: str | None = None, **kwargs: Any):
        value_range = _arguments.value_range(type(self).__name__, value_range)
        steps = [(kind, factor) for kind, factor in ((RandomBrightness, brightness_factor),
                                                     (RandomContrast, contrast_factor),
                                                     (RandomSaturation, saturation_factor),
                                                     (RandomHue, hue_factor)) if factor is not None]
        augmenters = [kind(factor, value_range=value_range, seed=seed, data_format=data_format)
                      for kind, factor in steps]
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = value_range
        self.brightness_factor = brightness_factor
        self.contrast_factor = contrast_factor
        self.saturation_factor = saturation_factor
        self.hue_factor = hue_factor
        self.augmenters = augmenters

    def augment(self, images: Any, seed: Any) -> Any:
        for augmenter, key in zip(self.augmenters, ops.split_seed(seed, max(len(self.augmenters), 1))):
            images = augmenter.augment(images, key)
        return images

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "value_range": list(self.value_range),
                "brightness_factor": as_list(self.brightness_factor), "contrast_factor": as_list(self.contrast_factor),
                "saturation_factor": as_list(self.saturation_factor), "hue_factor": as_list(self.hue_factor)}
