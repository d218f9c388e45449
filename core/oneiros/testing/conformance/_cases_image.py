"""Cases for ``oneiros.ops.image``: colour spaces, cropping and padding, patches, filters and
resampling at coordinates (every fill mode, nearest and linear)."""

from __future__ import annotations

import numpy as np

from oneiros.testing.conformance._case import call, case
from oneiros.testing.conformance._data import normal, uniform

FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


def _images(r: np.random.Generator, shape: tuple[int, ...] = (2, 5, 6, 3)) -> np.ndarray:
    return uniform(r, shape, 0.05, 0.95)


def _coordinates(r: np.random.Generator) -> np.ndarray:
    # Off the integer grid (linear interpolation has kinks there), some outside the input.
    return (np.floor(uniform(r, (2, 4, 5), -2, 9)) + uniform(r, (2, 4, 5), 0.1, 0.9)).astype(np.float32)


CORNERS = np.array([[0, 0], [6, 0], [0, 7], [6, 7]], np.float32)
MOVED = np.array([[1, 1.5], [5.5, 0], [0, 6.5], [6, 6]], np.float32)
TRANSFORMS = np.array([[1.1, 0.2, -1.0, -0.1, 0.9, 0.5, 0.0, 0.0],
                       [0.8, -0.3, 2.0, 0.3, 1.2, -1.0, 0.01, -0.02]], np.float32)

CASES = [
    case("rgb_to_grayscale", "batched", lambda r: call(_images(r)), wrt=(0,), jit=True),
    case("rgb_to_grayscale", "channels_first-single", lambda r: call(_images(r, (3, 4, 5)), "channels_first")),
    case("rgb_to_grayscale", "one-channel-passes", lambda r: call(_images(r, (4, 5, 1)))),
    case("rgb_to_hsv", "batched", lambda r: call(_images(r)), wrt=(0,), jit=True),
    case("rgb_to_hsv", "channels_first", lambda r: call(_images(r, (1, 3, 4, 4)), "channels_first")),
    case("hsv_to_rgb", "batched", lambda r: call(_images(r)), wrt=(0,)),
    case("hsv_to_rgb", "channels_first", lambda r: call(_images(r, (3, 4, 4)), "channels_first")),
    case("pad_images", "targets", lambda r: call(_images(r), 1, 2, target_height=8, target_width=9), wrt=(0,), jit=True),
    case("pad_images", "sides-channels_first",
         lambda r: call(_images(r, (3, 4, 5)), top_padding=0, bottom_padding=2, left_padding=1, right_padding=1,
                        data_format="channels_first")),
    case("crop_images", "targets", lambda r: call(_images(r), 1, 2, target_height=3, target_width=3), wrt=(0,),
         jit=True),
    case("crop_images", "sides-single",
         lambda r: call(_images(r, (5, 6, 2)), top_cropping=1, bottom_cropping=1, left_cropping=0, right_cropping=2)),
    case("extract_patches", "3x3", lambda r: call(normal(r, (2, 7, 8, 2)), (3, 3)), wrt=(0,), jit=True),
    case("extract_patches", "same-strided", lambda r: call(normal(r, (1, 6, 5, 3)), 2, strides=(1, 2), padding="same")),
    case("extract_patches", "channels_first-single",
         lambda r: call(normal(r, (2, 6, 6)), (2, 3), data_format="channels_first")),
    case("gaussian_blur", "3x5", lambda r: call(_images(r), (3, 5), (1.0, 2.0)), wrt=(0,), jit=True),
    case("gaussian_blur", "channels_first", lambda r: call(_images(r, (1, 2, 6, 6)), data_format="channels_first")),
    case("sobel_edges", "batched", lambda r: call(_images(r)), wrt=(0,)),
    *(case("map_coordinates", f"order{order}-{mode}",
           lambda r, order=order, mode=mode: call(normal(r, (7, 6)), _coordinates(r), order, mode, 0.5),
           wrt=(0,) if order == 1 else (), jit=mode == "reflect")
      for order in (0, 1) for mode in FILL_MODES),
    *(case("affine_transform", f"bilinear-{mode}", lambda r, mode=mode: call(_images(r), TRANSFORMS, fill_mode=mode),
           wrt=(0,) if mode == "constant" else ())
      for mode in FILL_MODES),
    case("affine_transform", "nearest-single",
         lambda r: call(_images(r)[0], TRANSFORMS[0], "nearest", fill_value=0.5)),
    case("extract_patches_3d", "2x2x2", lambda r: call(normal(r, (2, 4, 5, 4, 2)), 2), wrt=(0,)),
    case("extract_patches_3d", "same-channels_first",
         lambda r: call(normal(r, (2, 2, 5, 4, 3)), (2, 3, 2), strides=1, padding="same", data_format="channels_first")),
    case("perspective_transform", "batched-points",
         lambda r: call(_images(r, (2, 8, 7, 2)), np.stack([CORNERS, CORNERS]), np.stack([MOVED, CORNERS + 1])),
         wrt=(0,)),
    case("perspective_transform", "nearest-single", lambda r: call(_images(r, (8, 7, 2)), CORNERS, MOVED, "nearest", 0.3)),
    *(case("scale_and_translate", method,
           lambda r, method=method: call(normal(r, (2, 9, 8, 2)), (2, 5, 12, 2), np.array([0.6, 1.4], np.float32),
                                         np.array([0.5, -1.0], np.float32), (1, 2), method),
           wrt=(0,) if method == "linear" else ())
      for method in ("linear", "cubic", "lanczos3")),
    case("scale_and_translate", "linear-no-antialias",
         lambda r: call(normal(r, (9, 8)), (5, 12), np.array([0.6, 1.4], np.float32), np.array([0.5, -1.0], np.float32),
                        (0, 1), "linear", antialias=False)),
    case("ssim", "batched", lambda r: call(_images(r, (2, 9, 8, 2)), _images(r, (2, 9, 8, 2)), filter_size=5),
         wrt=(0, 1)),
    case("ssim", "single-channels_first",
         lambda r: call(_images(r, (3, 6, 6)), _images(r, (3, 6, 6)), 2.0, 3, 1.0, data_format="channels_first")),
    case("elastic_transform", "alpha0-is-identity", lambda r: call(_images(r), alpha=0.0, sigma=1.0, seed=3)),
]
