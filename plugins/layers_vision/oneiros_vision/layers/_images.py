"""Image helpers the preprocessing layers share: axes, batching, crops and aspect-ratio boxes.

Images are ``(batch, height, width, channels)`` or one unbatched ``(height, width, channels)``
image (channels first with ``data_format="channels_first"``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oneiros import ops


def check_image_rank(owner: str, name: str, shape: tuple) -> None:
    if len(shape) not in (3, 4):
        raise ValueError(f"{owner} {name!r} expected images of rank 3 (height, width, channels) or 4 (a batch); "
                         f"received shape {tuple(shape)}.")


def height_width_axes(data_format: str, ndim: int) -> tuple[int, int]:
    """Positive (height, width) axes of an image tensor of rank ``ndim`` (3 or 4)."""
    first = ndim - 3 if data_format == "channels_last" else ndim - 2
    return first, first + 1


def height_width(shape: tuple, data_format: str) -> tuple[Any, Any]:
    height_axis, width_axis = height_width_axes(data_format, len(shape))
    return shape[height_axis], shape[width_axis]


def with_height_width(shape: tuple, data_format: str, height: Any, width: Any) -> tuple:
    height_axis, width_axis = height_width_axes(data_format, len(shape))
    resized = list(shape)
    resized[height_axis], resized[width_axis] = height, width
    return tuple(resized)


def as_batch(images: Any) -> tuple[Any, Callable[[Any], Any]]:
    """``images`` as a batch, and the function that restores the original rank."""
    if len(ops.shape(images)) == 4:
        return images, lambda batch: batch
    return ops.expand_dims(images, 0), lambda batch: ops.squeeze(batch, 0)


def crop(images: Any, top: Any, left: Any, height: int, width: int, data_format: str) -> Any:
    """The ``height`` x ``width`` window at (top, left) of every image (offsets may be tensors)."""
    shape = tuple(ops.shape(images))
    height_axis, width_axis = height_width_axes(data_format, len(shape))
    starts: list[Any] = [0] * len(shape)
    starts[height_axis], starts[width_axis] = top, left
    return ops.slice(images, tuple(starts), with_height_width(shape, data_format, height, width))


def aspect_crop_box(height: int, width: int, target_height: int, target_width: int) -> tuple[int, int, int, int]:
    """(top, left, crop_height, crop_width): the largest centred window with the target's aspect
    ratio (Keras's ``crop_to_aspect_ratio`` / ``smart_resize`` arithmetic)."""
    crop_height = max(min(height, int(width * target_height / target_width)), 1)
    crop_width = max(min(width, int(height * target_width / target_height)), 1)
    return int((height - crop_height) / 2), int((width - crop_width) / 2), crop_height, crop_width


def aspect_pad_box(height: int, width: int, target_height: int, target_width: int) -> tuple[int, int, int, int]:
    """(top, left, padded_height, padded_width): the smallest centred canvas around the image
    with the target's aspect ratio (Keras's ``pad_to_aspect_ratio`` arithmetic)."""
    padded_height = max(height, int(width * target_height / target_width))
    padded_width = max(width, int(height * target_width / target_height))
    return int((padded_height - height) / 2), int((padded_width - width) / 2), padded_height, padded_width


def resize(images: Any, height: int, width: int, interpolation: str, data_format: str) -> Any:
    """Images (rank 3 or 4) resized to ``height`` x ``width``; a no-op when already that size."""
    if height_width(tuple(ops.shape(images)), data_format) == (height, width):
        return images
    batch, restore = as_batch(images)
    return restore(ops.resize(batch, (height, width), interpolation=interpolation, data_format=data_format))


def smart_resize(images: Any, height: int, width: int, interpolation: str, data_format: str) -> Any:
    """The largest centred window with the target's aspect ratio, resized to the target."""
    in_height, in_width = height_width(tuple(ops.shape(images)), data_format)
    top, left, crop_height, crop_width = aspect_crop_box(in_height, in_width, height, width)
    cropped = crop(images, top, left, crop_height, crop_width, data_format)
    return resize(cropped, height, width, interpolation, data_format)
