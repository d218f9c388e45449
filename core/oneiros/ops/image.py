"""``oneiros.ops.image``: the names of ``keras.ops.image``."""

from oneiros.ops._image import (
    affine_transform,
    crop_images,
    extract_patches,
    gaussian_blur,
    hsv_to_rgb,
    map_coordinates,
    pad_images,
    rgb_to_grayscale,
    rgb_to_hsv,
    sobel_edges,
)
from oneiros.ops._image import resize_images as resize

__all__ = ["affine_transform", "crop_images", "extract_patches", "gaussian_blur", "hsv_to_rgb", "map_coordinates",
           "pad_images", "resize", "rgb_to_grayscale", "rgb_to_hsv", "sobel_edges"]
