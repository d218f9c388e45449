"""The augmentations RandAugment and AugMix choose from, built as Keras builds them, and the
random choice among them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from oneiros import ops

RAND_AUGMENT_OPERATIONS = ("random_shear", "random_translation", "random_rotation", "random_brightness",
                           "random_color_degeneration", "random_contrast", "random_sharpness", "random_posterization",
                           "solarization", "auto_contrast", "equalization")
AUG_MIX_OPERATIONS = ("random_shear", "random_translation", "random_rotation", "random_posterization", "solarization",
                      "auto_contrast", "equalization")
AUG_MIX_COLOR_OPERATIONS = ("random_brightness", "random_color_degeneration", "random_contrast", "random_sharpness")


def operations(names: Sequence[str], value_range: tuple[float, float], factor: tuple[float, float],
               interpolation: str, seed: int | None, data_format: str) -> list[Any]:
    """The named augmentation layers with Keras's arguments: geometric ones move by ``factor``,
    colour ones change by ``factor``, posterization keeps ``max(1, int(8 * factor[1]))`` bits."""
    from oneiros_vision.layers.auto_contrast import AutoContrast
    from oneiros_vision.layers.equalization import Equalization
    from oneiros_vision.layers.random_brightness import RandomBrightness
    from oneiros_vision.layers.random_color_degeneration import RandomColorDegeneration
    from oneiros_vision.layers.random_contrast import RandomContrast
    from oneiros_vision.layers.random_posterization import RandomPosterization
    from oneiros_vision.layers.random_rotation import RandomRotation
    from oneiros_vision.layers.random_sharpness import RandomSharpness
    from oneiros_vision.layers.random_shear import RandomShear
    from oneiros_vision.layers.random_translation import RandomTranslation
    from oneiros_vision.layers.solarization import Solarization

    common = {"seed": seed, "data_format": data_format}
    colour = {**common, "value_range": value_range}
    builders: dict[str, Callable[[], Any]] = {
        "random_shear": lambda: RandomShear(x_factor=factor, y_factor=factor, interpolation=interpolation, **common),
        "random_translation": lambda: RandomTranslation(factor, factor, interpolation=interpolation, **common),
        "random_rotation": lambda: RandomRotation(factor, interpolation=interpolation, **common),
        "random_brightness": lambda: RandomBrightness(factor, **colour),
        "random_color_degeneration": lambda: RandomColorDegeneration(factor, **colour),
        "random_contrast": lambda: RandomContrast(factor, **colour),
        "random_sharpness": lambda: RandomSharpness(factor, **colour),
        "random_posterization": lambda: RandomPosterization(max(1, int(8 * factor[1])), **colour),
        "solarization": lambda: Solarization(addition_factor=factor, threshold_factor=factor, **colour),
        "auto_contrast": lambda: AutoContrast(value_range=value_range, data_format=data_format),
        "equalization": lambda: Equalization(value_range=value_range, data_format=data_format),
    }
    return [builders[name]() for name in names]


def switch(index: Any, branches: Sequence[Callable[[Any], Any]], operand: Any) -> Any:
    """``branches[index](operand)`` for a scalar int tensor ``index``: a binary tree of
    ``ops.cond``, so compiled code runs only the chosen branch."""
    if len(branches) == 1:
        return branches[0](operand)
    middle = len(branches) // 2
    return ops.cond(ops.less(index, middle),
                    lambda value: switch(index, branches[:middle], value),
                    lambda value: switch(ops.subtract(index, middle), branches[middle:], value),
                    operand)


def apply_one(index: Any, augmenters: Sequence[Any], images: Any, seed: Any, *, identity: bool = False) -> Any:
    """``images`` through augmenter number ``index`` (or unchanged for the extra last index
    when ``identity``), drawing its randomness from ``seed``."""
    branches: list[Callable[[Any], Any]] = [lambda value, layer=layer: layer.augment(value, seed)
                                             for layer in augmenters]
    if identity:
        branches.append(lambda value: value)
    return switch(index, branches, images)
