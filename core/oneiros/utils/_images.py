"""Image files to arrays and back (``oi.utils.load_img``...), with Pillow, imported when first needed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

COLOR_MODES = {"grayscale": "L", "rgb": "RGB", "rgba": "RGBA"}
INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "lanczos", "box", "hamming")
DATA_FORMATS = ("channels_last", "channels_first")


def _choice(argument: str, value: Any, choices: Any) -> Any:
    if value not in choices:
        raise ValueError(f"argument `{argument}` must be one of {', '.join(map(repr, choices))}; "
                         f"received {argument}={value!r}.")
    return value


def _data_format(value: str | None) -> str:
    return _choice("data_format", "channels_last" if value is None else value, DATA_FORMATS)


def _resample(interpolation: str) -> Any:
    from PIL import Image

    _choice("interpolation", interpolation, INTERPOLATIONS)
    return getattr(Image.Resampling, interpolation.upper())


def load_img(path: str | os.PathLike, color_mode: str = "rgb", target_size: tuple[int, int] | None = None,
             interpolation: str = "nearest", keep_aspect_ratio: bool = False) -> Any:
    """Loads an image file as a PIL image, converted to ``color_mode`` ("grayscale", "rgb",
    "rgba") and, with ``target_size`` (height, width), resized (``keep_aspect_ratio`` first
    crops the centre to the target's aspect ratio).

    Example::

        image = load_img("cat.png", target_size=(64, 64))
        array = img_to_array(image)                       # float32, shape (64, 64, 3)
    """
    from PIL import Image

    mode = COLOR_MODES[_choice("color_mode", color_mode, tuple(COLOR_MODES))]
    with Image.open(Path(path)) as opened:
        image = opened.convert(mode)
    if target_size is None:
        return image
    height, width = (int(size) for size in target_size)
    if image.size == (width, height):
        return image
    box = None
    if keep_aspect_ratio:
        crop_width = min(image.width, int(image.height * width / height))
        crop_height = min(image.height, int(image.width * height / width))
        left, top = (image.width - crop_width) // 2, (image.height - crop_height) // 2
        box = (left, top, left + crop_width, top + crop_height)
    return image.resize((width, height), _resample(interpolation), box=box)


def img_to_array(img: Any, data_format: str | None = None, dtype: str = "float32") -> np.ndarray:
    """A PIL image as an array (height, width, channels), or channels first; grayscale images
    get a channels axis of size 1."""
    array = np.asarray(img, dtype=dtype)
    if array.ndim == 2:
        array = array[:, :, np.newaxis]
    if array.ndim != 3:
        raise ValueError(f"img_to_array expected an image of 2 or 3 dimensions; received shape {array.shape}.")
    return np.transpose(array, (2, 0, 1)) if _data_format(data_format) == "channels_first" else array


def array_to_img(x: Any, data_format: str | None = None, scale: bool = True) -> Any:
    """An array (height, width, channels with 1, 3 or 4 channels; or channels first) as a PIL
    image. ``scale`` maps the array's [min, max] to [0, 255]; otherwise values are clipped."""
    from PIL import Image

    array = np.asarray(x, dtype="float32")
    if array.ndim != 3:
        raise ValueError(f"array_to_img expected an array of 3 dimensions; received shape {array.shape}.")
    if _data_format(data_format) == "channels_first":
        array = np.transpose(array, (1, 2, 0))
    if scale:
        low, high = float(array.min()), float(array.max())
        array = (array - low) * (255.0 / (high - low) if high > low else 0.0)
    pixels = np.clip(np.rint(array), 0, 255).astype("uint8")
    channels = pixels.shape[-1]
    if channels == 1:
        return Image.fromarray(pixels[:, :, 0])
    if channels in (3, 4):
        return Image.fromarray(pixels)
    raise ValueError(f"array_to_img expected 1, 3 or 4 channels; received shape {np.asarray(x).shape}.")


def save_img(path: str | os.PathLike, x: Any, data_format: str | None = None, file_format: str | None = None,
             scale: bool = True, **kwargs: Any) -> None:
    """Saves an array as an image file (format from the suffix, or ``file_format``); extra
    keyword arguments go to Pillow's ``Image.save``."""
    image = array_to_img(x, data_format=data_format, scale=scale)
    if image.mode == "RGBA" and (file_format or Path(path).suffix.lstrip(".")).lower() in ("jpg", "jpeg"):
        image = image.convert("RGB")
    image.save(Path(path), format=file_format, **kwargs)


def smart_resize(x: Any, size: tuple[int, int], interpolation: str = "bilinear",
                 data_format: str = "channels_last") -> Any:
    """An image ``(height, width, channels)``, or a batch of them, resized to ``size`` (height,
    width) without distortion, as Keras's ``keras.preprocessing.image.smart_resize``: the largest
    centred crop with the target's aspect ratio, resized. A numpy input gives a numpy array, a
    tensor a tensor.

    Example::

        smart_resize(np.zeros((340, 500, 3)), (200, 200))   # the centred (340, 340) crop, resized
    """
    from oneiros import ops

    if len(size) != 2:
        raise ValueError(f"smart_resize expected size as (height, width), two integers; received {size!r}.")
    image = ops.convert_to_tensor(x)
    shape = tuple(ops.shape(image))
    if len(shape) not in (3, 4):
        raise ValueError(f"smart_resize expected an image (height, width, channels) or a batch of them (batch, "
                         f"height, width, channels); received shape {shape}.")
    height_axis = len(shape) - (3 if _data_format(data_format) == "channels_last" else 2)
    height, width = shape[height_axis], shape[height_axis + 1]
    target_height, target_width = size
    crop_height = max(min(height, int(width * target_height / target_width)), 1)
    crop_width = max(min(width, int(height * target_width / target_height)), 1)
    start, extent = [0] * len(shape), list(shape)
    start[height_axis:height_axis + 2] = (height - crop_height) // 2, (width - crop_width) // 2
    extent[height_axis:height_axis + 2] = crop_height, crop_width
    resized = ops.image.resize(ops.slice(image, start, extent), size=tuple(size), interpolation=interpolation,
                               data_format=data_format)
    return ops.to_numpy(resized) if isinstance(x, np.ndarray) else resized
