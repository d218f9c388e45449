"""Image ops of ``keras.ops.image``: colour spaces, cropping and padding, patches, filters and
resampling at arbitrary coordinates, all derived from ``oneiros.ops`` (every backend runs them).

Images are (N, H, W, C) or one image (H, W, C); channels-first when ``data_format`` says so.
``data_format=None`` means channels_last, Keras's default image data format.
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from oneiros import ops
from oneiros.backend.geometry import check_format, per_axis
from oneiros.ops._contract import derived
from oneiros.ops._derive import floating

IMAGES = "images (N, H, W, C) or (H, W, C), channels-first when data_format says so"
RGB = IMAGES + " with 3 channels (RGB or HSV) of a float dtype"
FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")
GRAYSCALE_WEIGHTS = (0.2989, 0.5870, 0.1140)
"""ITU-R 601 luma weights, as ``tf.image.rgb_to_grayscale`` and Keras."""


def _layout(images: Any, data_format: Any, what: str) -> tuple[int, bool]:
    """(the channel axis, whether the images are batched), checking the rank."""
    rank = len(ops.shape(images))
    if rank not in (3, 4):
        raise ValueError(f"{what} needs images (N, H, W, C) or (H, W, C); received shape {ops.shape(images)}.")
    channels_last = (data_format is None) or check_format(data_format) == "channels_last"
    return (rank - 1 if channels_last else rank - 3), rank == 4


def _spatial_axes(images: Any, data_format: Any, what: str) -> tuple[int, int]:
    channel_axis, _ = _layout(images, data_format, what)
    rank = len(ops.shape(images))
    return (rank - 3, rank - 2) if channel_axis == rank - 1 else (rank - 2, rank - 1)


def _channels(images: Any, data_format: Any, what: str) -> tuple[Any, Any, Any, int]:
    axis, _ = _layout(images, data_format, what)
    if ops.shape(images)[axis] != 3:
        raise ValueError(f"{what} needs 3 channels; received shape {ops.shape(images)}.")
    planes = ops.split(images, 3, axis=axis)
    return (*(ops.squeeze(plane, axis) for plane in planes), axis)


@derived("image", IMAGES + " with 1 or 3 channels")
def rgb_to_grayscale(images, data_format=None):
    """Luma 0.2989 R + 0.5870 G + 0.1140 B with the channel axis kept (size 1); one channel passes."""
    axis, _ = _layout(images, data_format, "rgb_to_grayscale")
    if ops.shape(images)[axis] not in (1, 3):
        raise ValueError(f"rgb_to_grayscale needs 1 or 3 channels; received shape {ops.shape(images)}.")
    if ops.shape(images)[axis] == 1:
        return images
    name = ops.dtype(images)
    values = floating(images)
    weights = ops.convert_to_tensor(np.array(GRAYSCALE_WEIGHTS, np.float32), ops.dtype(values))
    gray = ops.tensordot(ops.moveaxis(values, axis, -1), weights, axes=1)
    return ops.cast(ops.expand_dims(gray, axis), name)


@derived("image", RGB)
def rgb_to_hsv(images, data_format=None):
    """Hue, saturation and value in [0, 1] (the dm_pix formulas Keras uses)."""
    eps = float(np.finfo(np.float32).eps) if ops.dtype(images) == "float32" else 1e-3
    images = ops.where(ops.less(ops.abs(images), eps), ops.zeros_like(images), images)
    red, green, blue, axis = _channels(images, data_format, "rgb_to_hsv")
    value = ops.maximum(ops.maximum(red, green), blue)
    spread = ops.subtract(value, ops.minimum(ops.minimum(red, green), blue))
    safe_value = ops.where(ops.greater(value, 0), value, ops.ones_like(value))
    safe_spread = ops.where(ops.greater(spread, 0), spread, ops.ones_like(spread))
    saturation = ops.where(ops.greater(value, 0), ops.divide(spread, safe_value), ops.zeros_like(value))
    norm = ops.divide(1.0, ops.multiply(safe_spread, 6.0))
    hue = ops.where(ops.equal(value, green), ops.add(ops.multiply(norm, ops.subtract(blue, red)), 2.0 / 6.0),
                    ops.add(ops.multiply(norm, ops.subtract(red, green)), 4.0 / 6.0))
    hue = ops.where(ops.equal(value, red), ops.multiply(norm, ops.subtract(green, blue)), hue)
    hue = ops.where(ops.greater(spread, 0), hue, ops.zeros_like(hue))
    hue = ops.add(hue, ops.cast(ops.less(hue, 0.0), ops.dtype(hue)))
    return ops.stack([hue, saturation, value], axis=axis)


@derived("image", RGB)
def hsv_to_rgb(images, data_format=None):
    """The inverse of ``rgb_to_hsv`` (hue taken modulo 1)."""
    hue, saturation, value, axis = _channels(images, data_format, "hsv_to_rgb")
    sector = ops.multiply(ops.mod(hue, 1.0), 6.0)
    red = ops.clip(ops.subtract(ops.abs(ops.subtract(sector, 3.0)), 1.0), 0.0, 1.0)
    green = ops.clip(ops.subtract(2.0, ops.abs(ops.subtract(sector, 2.0))), 0.0, 1.0)
    blue = ops.clip(ops.subtract(2.0, ops.abs(ops.subtract(sector, 4.0))), 0.0, 1.0)
    grey = ops.subtract(1.0, saturation)
    planes = [ops.multiply(value, ops.add(grey, ops.multiply(saturation, part))) for part in (red, green, blue)]
    return ops.stack(planes, axis=axis)


def _two_of_three(before: Any, after: Any, target: Any, size: int, names: tuple[str, str, str],
                  growing: bool) -> tuple[int, int]:
    """(before, after) amounts along one axis from exactly two of before, after and the target size."""
    given = [value is not None for value in (before, after, target)]
    if sum(given) != 2:
        raise ValueError(f"give exactly two of {', '.join(names)}; received "
                         f"{dict(zip(names, (before, after, target)))}.")
    sign = 1 if growing else -1
    if before is None:
        before = sign * (target - size) - after
    if after is None:
        after = sign * (target - size) - before
    if before < 0 or after < 0:
        raise ValueError(f"{names[0]} and {names[1]} must be >= 0 for an axis of size {size}; they come to "
                         f"{before} and {after} from {dict(zip(names, given))}.")
    return int(before), int(after)


@derived("image", IMAGES + "; two of top/bottom/target_height and two of left/right/target_width")
def pad_images(images, top_padding=None, left_padding=None, bottom_padding=None, right_padding=None,
               target_height=None, target_width=None, data_format=None):
    """Zero padding around the images, from exactly two of each axis's three arguments."""
    rows, columns = _spatial_axes(images, data_format, "pad_images")
    amounts = [(0, 0)] * len(ops.shape(images))
    amounts[rows] = _two_of_three(top_padding, bottom_padding, target_height, ops.shape(images)[rows],
                                  ("top_padding", "bottom_padding", "target_height"), growing=True)
    amounts[columns] = _two_of_three(left_padding, right_padding, target_width, ops.shape(images)[columns],
                                     ("left_padding", "right_padding", "target_width"), growing=True)
    return ops.pad(images, amounts)


@derived("image", IMAGES + "; two of top/bottom/target_height and two of left/right/target_width")
def crop_images(images, top_cropping=None, left_cropping=None, bottom_cropping=None, right_cropping=None,
                target_height=None, target_width=None, data_format=None):
    """The images cropped, from exactly two of each axis's three arguments."""
    rows, columns = _spatial_axes(images, data_format, "crop_images")
    start = [0] * len(ops.shape(images))
    size = list(ops.shape(images))
    for axis, arguments, names in ((rows, (top_cropping, bottom_cropping, target_height),
                                    ("top_cropping", "bottom_cropping", "target_height")),
                                   (columns, (left_cropping, right_cropping, target_width),
                                    ("left_cropping", "right_cropping", "target_width"))):
        before, after = _two_of_three(*arguments, ops.shape(images)[axis], names, growing=False)
        start[axis], size[axis] = before, ops.shape(images)[axis] - before - after
        if size[axis] < 0:
            raise ValueError(f"crop_images: cropping {before} + {after} exceeds the axis of size {ops.shape(images)[axis]}.")
    return ops.slice(images, tuple(start), tuple(size))


def _patches(images: Any, size: Any, strides: Any, dilation_rate: Any, padding: Any, data_format: Any,
             rank: int, what: str) -> Any:
    """Patches of ``rank`` spatial axes as channels, via a convolution with a one-hot kernel."""
    patch = per_axis(size, rank, "size")
    channels_last = (data_format is None) or check_format(data_format) == "channels_last"
    ndim = len(ops.shape(images))
    if ndim not in (rank + 1, rank + 2):
        raise ValueError(f"{what} needs {rank + 2}-D batched or {rank + 1}-D inputs; received shape "
                         f"{ops.shape(images)}.")
    batched = ndim == rank + 2
    x = images if batched else ops.expand_dims(images, 0)
    if not channels_last:
        x = ops.moveaxis(x, 1, -1)
    channels = ops.shape(x)[-1]
    depth = int(np.prod(patch)) * channels
    kernel = ops.convert_to_tensor(np.eye(depth, dtype=np.float32).reshape(*patch, channels, depth), ops.dtype(x))
    patches = ops.conv(x, kernel, patch if strides is None else strides, padding, "channels_last", dilation_rate)
    if not channels_last:
        patches = ops.moveaxis(patches, -1, 1)
    return patches if batched else ops.squeeze(patches, 0)


@derived("image", IMAGES + ", size an int, (height, width) or (depth, height, width), strides, dilation_rate "
                           "and padding as conv")
def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    """Patches as channels: (N, rows, columns, ph * pw * C), each patch flattened (i, j, c) row-major;
    strides default to ``size`` (non-overlapping); a 3-tuple ``size`` gives ``extract_patches_3d``."""
    if not isinstance(size, numbers.Integral) and len(size) == 3:
        return extract_patches_3d(images, size, strides, dilation_rate, padding, data_format)
    return _patches(images, size, strides, dilation_rate, padding, data_format, 2, "extract_patches")


@derived("image", "volumes (N, D, H, W, C) or (D, H, W, C), size an int or three, conv-style arguments")
def extract_patches_3d(volumes, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    """3-D patches as channels: (N, d, h, w, pd * ph * pw * C), each flattened (i, j, k, c) row-major."""
    return _patches(volumes, size, strides, dilation_rate, padding, data_format, 3, "extract_patches_3d")


def _depthwise_filter(images: Any, kernel: np.ndarray, data_format: Any, what: str, padding: str = "same") -> Any:
    """``images`` convolved channel by channel with the 2-D ``kernel`` (zero padding when 'same')."""
    channel_axis, batched = _layout(images, data_format, what)
    x = floating(images)
    x = x if batched else ops.expand_dims(x, 0)
    channels = ops.shape(x)[channel_axis + (0 if batched else 1)]
    fmt = "channels_last" if channel_axis == len(ops.shape(images)) - 1 else "channels_first"
    depthwise = ops.convert_to_tensor(np.repeat(kernel[:, :, None, None], channels, axis=2).astype(np.float32),
                                      ops.dtype(x))
    filtered = ops.depthwise_conv(x, depthwise, 1, padding, fmt)
    return filtered if batched else ops.squeeze(filtered, 0)


@derived("image", IMAGES + ", kernel_size two positive ints and sigma two positive floats")
def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """Each channel convolved with a normalised Gaussian ('same' zero padding); as Keras, the first
    of kernel_size and sigma apply along the width and the second along the height."""
    width_size, height_size = per_axis(kernel_size, 2, "kernel_size")
    width_sigma, height_sigma = (float(value) for value in (sigma if not isinstance(sigma, numbers.Number)
                                                             else (sigma, sigma)))

    def bell(size: int, spread: float) -> np.ndarray:
        offsets = np.arange(size) - (size - 1) / 2
        values = np.exp(-0.5 * (offsets / spread) ** 2)
        return values / values.sum()

    kernel = np.outer(bell(height_size, height_sigma), bell(width_size, width_sigma))
    return _depthwise_filter(images, kernel, data_format, "gaussian_blur")


SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], np.float32)


@derived("image", "images (N, H, W, C) or channels-first")
def sobel_edges(images, data_format=None):
    """Sobel responses per channel, stacked last as (..., 2): [d/dy, d/dx] ('same' zero padding)."""
    if len(ops.shape(images)) != 4:
        raise ValueError(f"sobel_edges needs images (N, H, W, C); received shape {ops.shape(images)}.")
    vertical = _depthwise_filter(images, SOBEL_X.T, data_format, "sobel_edges")
    horizontal = _depthwise_filter(images, SOBEL_X, data_format, "sobel_edges")
    return ops.stack([vertical, horizontal], axis=-1)


def _fixed_index(index: Any, size: int, fill_mode: str) -> Any:
    """An integer coordinate mapped into [0, size) by the fill mode (jax.scipy.ndimage's rules)."""
    if fill_mode == "nearest":
        return ops.clip(index, 0, size - 1)
    if fill_mode == "wrap":
        return ops.mod(index, size)
    if fill_mode == "mirror":
        period = max(size - 1, 1)
        return ops.abs(ops.subtract(ops.mod(ops.add(index, period), 2 * period), period))
    if fill_mode == "reflect":
        doubled = ops.add(ops.multiply(index, 2), 1)
        period = 2 * size
        mirrored = ops.abs(ops.subtract(ops.mod(ops.add(doubled, period), 2 * period), period))
        return ops.floor_divide(ops.subtract(mirrored, 1), 2)
    return index


def _neighbours(coordinate: Any, order: int) -> list[tuple[Any, Any]]:
    """(integer index, weight) pairs interpolating at ``coordinate``: nearest rounds half away from 0."""
    if order == 0:
        rounded = ops.multiply(ops.sign(coordinate), ops.floor(ops.add(ops.abs(coordinate), 0.5)))
        return [(ops.cast(rounded, "int32"), None)]
    lower = ops.floor(coordinate)
    upper_weight = ops.subtract(coordinate, lower)
    index = ops.cast(lower, "int32")
    return [(index, ops.subtract(1.0, upper_weight)), (ops.add(index, 1), upper_weight)]


def _resample(values: Any, rows: list[Any], order: int, fill_mode: str, fill_value: Any,
              exact: frozenset[int] = frozenset()) -> Any:
    """``values`` sampled at one coordinate tensor per axis; axes in ``exact`` hold integer indices
    inside the input (no interpolation, no fill)."""
    shape = ops.shape(values)
    flat = ops.reshape(values, (-1,))
    strides = np.cumprod((1,) + shape[:0:-1])[::-1]
    choices = [[(ops.cast(row, "int32"), None)] if axis in exact else _neighbours(row, order)
               for axis, row in enumerate(rows)]
    result = None
    for corner in itertools.product(*choices):
        linear, weight, valid = 0, None, None
        for axis, ((index, corner_weight), size, stride) in enumerate(zip(corner, shape, strides)):
            if axis not in exact:
                inside = ops.logical_and(ops.greater_equal(index, 0), ops.less(index, size))
                valid = inside if valid is None else ops.logical_and(valid, inside)
                index = ops.clip(_fixed_index(index, size, fill_mode), 0, size - 1)
            linear = ops.add(linear, ops.multiply(index, int(stride)))
            if corner_weight is not None:
                weight = corner_weight if weight is None else ops.multiply(weight, corner_weight)
        sample = ops.take(flat, linear)
        if fill_mode == "constant" and valid is not None:
            sample = ops.where(valid, sample, ops.full_like(sample, fill_value))
        contribution = sample if weight is None else ops.multiply(weight, sample)
        result = contribution if result is None else ops.add(result, contribution)
    return result


def _check_fill(order: Any, fill_mode: Any) -> None:
    if order not in (0, 1):
        raise ValueError(f"order (interpolation) must be 0 (nearest) or 1 (linear); received {order!r}.")
    if fill_mode not in FILL_MODES:
        raise ValueError(f"fill_mode must be one of {', '.join(FILL_MODES)}; received {fill_mode!r}.")


@derived("image", "inputs of rank R, coordinates (R, ...) floats, order 0 or 1 and a fill mode")
def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    """``inputs`` sampled at ``coordinates`` (one row per input axis), like
    ``scipy.ndimage.map_coordinates`` with order 0 (nearest) or 1 (linear); outside the input,
    ``fill_mode`` 'constant' gives ``fill_value`` and the others fold the index back in."""
    _check_fill(order, fill_mode)
    values = floating(inputs)
    shape = ops.shape(values)
    if ops.shape(coordinates)[:1] != (len(shape),):
        raise ValueError(f"map_coordinates needs coordinates ({len(shape)}, ...) for inputs of shape {shape}; "
                         f"received {ops.shape(coordinates)}.")
    rows = [ops.take(floating(coordinates), axis_index, axis=0) for axis_index in range(len(shape))]
    return _resample(values, rows, order, fill_mode, fill_value)


INTERPOLATION_ORDERS = {"nearest": 0, "bilinear": 1}


def _pixel_grid(height: int, width: int, like: Any) -> tuple[Any, Any]:
    """(rows, columns) coordinates of every pixel, each (height, width)."""
    grid_y, grid_x = np.meshgrid(np.arange(height, dtype=np.float32), np.arange(width, dtype=np.float32),
                                 indexing="ij")
    return tuple(ops.convert_to_tensor(grid, ops.dtype(like)) for grid in (grid_y, grid_x))


def _warp(images: Any, data_format: Any, interpolation: str, fill_mode: str, fill_value: Any, what: str,
          sources: Callable[[Any], tuple[Any, Any]]) -> Any:
    """Each output pixel sampled at the input position ``sources`` gives: (rows, columns), each
    (N, H, W), computed from the channels-last batched images."""
    if interpolation not in INTERPOLATION_ORDERS:
        raise ValueError(f"interpolation must be one of {', '.join(INTERPOLATION_ORDERS)}; received "
                         f"{interpolation!r}.")
    _check_fill(INTERPOLATION_ORDERS[interpolation], fill_mode)
    channel_axis, batched = _layout(images, data_format, what)
    channels_first = channel_axis != len(ops.shape(images)) - 1
    x = floating(images)
    x = x if batched else ops.expand_dims(x, 0)
    if channels_first:
        x = ops.transpose(x, (0, 2, 3, 1))
    shape = ops.shape(x)
    batch, channels = shape[0], shape[3]
    source_y, source_x = sources(x)
    rows = [ops.broadcast_to(ops.reshape(ops.arange(batch), (batch, 1, 1, 1)), shape),
            ops.broadcast_to(ops.expand_dims(source_y, -1), shape),
            ops.broadcast_to(ops.expand_dims(source_x, -1), shape),
            ops.broadcast_to(ops.arange(channels), shape)]
    warped = _resample(x, rows, INTERPOLATION_ORDERS[interpolation], fill_mode, fill_value, frozenset({0, 3}))
    if channels_first:
        warped = ops.transpose(warped, (0, 3, 1, 2))
    return warped if batched else ops.squeeze(warped, 0)


@derived("image", IMAGES + ", transform (8,) or (N, 8) [a0, a1, a2, b0, b1, b2, c0, c1]")
def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant", fill_value=0,
                     data_format=None):
    """Output pixel (x, y) samples the input at ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k),
    k = c0 x + c1 y + 1 (``tf.raw_ops.ImageProjectiveTransformV3``'s convention, as Keras)."""
    transform = floating(transform)
    if len(ops.shape(transform)) == 1:
        transform = ops.expand_dims(transform, 0)

    def sources(x: Any) -> tuple[Any, Any]:
        batch, height, width, _ = ops.shape(x)
        if ops.shape(transform)[-1:] != (8,) or ops.shape(transform)[0] not in (1, batch):
            raise ValueError(f"affine_transform needs transform (8,) or ({batch}, 8); received "
                             f"{ops.shape(transform)}.")
        grid_y, grid_x = _pixel_grid(height, width, x)
        a0, a1, a2, b0, b1, b2, c0, c1 = (ops.reshape(ops.take(ops.broadcast_to(transform, (batch, 8)), i, axis=1),
                                                      (batch, 1, 1)) for i in range(8))

        def mix(p: Any, q: Any, r: Any) -> Any:
            return ops.add(ops.add(ops.multiply(p, grid_x), ops.multiply(q, grid_y)), r)

        k = mix(c0, c1, 1.0)
        return ops.divide(mix(b0, b1, b2), k), ops.divide(mix(a0, a1, a2), k)

    return _warp(images, data_format, interpolation, fill_mode, fill_value, "affine_transform", sources)


def resize_images(images: Any, size: Any, interpolation: str = "bilinear", antialias: bool = False,
                  crop_to_aspect_ratio: bool = False, pad_to_aspect_ratio: bool = False,
                  fill_mode: str = "constant", fill_value: float = 0.0, data_format: Any = None) -> Any:
    """``keras.ops.image.resize``: ``ops.resize`` (half-pixel centres, no antialiasing) with Keras's
    arguments; antialiasing and the aspect-ratio options are refused, naming what was asked."""
    refused = {name: value for name, value in (("antialias", antialias), ("crop_to_aspect_ratio", crop_to_aspect_ratio),
                                               ("pad_to_aspect_ratio", pad_to_aspect_ratio)) if value}
    if refused:
        raise ValueError(f"image.resize supports antialias=False without aspect-ratio cropping or padding; "
                         f"received {refused}.")
    return ops.resize(images, size, interpolation, "channels_last" if data_format is None else data_format)



def _homographies(start_points: Any, end_points: Any) -> Any:
    """(N, 8) projective transforms mapping each end quadrilateral onto its start one."""
    start, end = floating(start_points), floating(end_points)
    start_x, start_y, end_x, end_y = (ops.take(points, index, axis=-1)
                                      for points, index in ((start, 0), (start, 1), (end, 0), (end, 1)))
    zeros, ones = ops.zeros_like(end_x), ops.ones_like(end_x)
    x_rows = ops.stack([end_x, end_y, ones, zeros, zeros, zeros, ops.negative(ops.multiply(start_x, end_x)),
                        ops.negative(ops.multiply(start_x, end_y))], axis=-1)
    y_rows = ops.stack([zeros, zeros, zeros, end_x, end_y, ones, ops.negative(ops.multiply(start_y, end_x)),
                        ops.negative(ops.multiply(start_y, end_y))], axis=-1)
    system = ops.concatenate([x_rows, y_rows], axis=1)
    return ops.solve(system, ops.concatenate([start_x, start_y], axis=-1))


@derived("image", IMAGES + ", start_points and end_points (4, 2) or (N, 4, 2) corner (x, y) coordinates")
def perspective_transform(images, start_points, end_points, interpolation="bilinear", fill_value=0,
                          data_format=None):
    """The projective warp taking the ``start_points`` quadrilateral to ``end_points`` (the output at
    an end point samples the input at its start point); outside the input is ``fill_value``."""
    points = [floating(start_points), floating(end_points)]
    shapes = [ops.shape(item) for item in points]
    if shapes[0] != shapes[1] or shapes[0][-2:] != (4, 2) or len(shapes[0]) not in (2, 3):
        raise ValueError(f"perspective_transform needs start_points and end_points of one shape, (4, 2) or (N, 4, 2); "
                         f"received {shapes[0]} and {shapes[1]}.")
    points = [item if len(shapes[0]) == 3 else ops.expand_dims(item, 0) for item in points]
    return affine_transform(images, _homographies(*points), interpolation, "constant", fill_value, data_format)


def _keys_cubic(x: Any) -> Any:
    x = ops.abs(x)
    near = ops.add(ops.multiply(ops.multiply(ops.subtract(ops.multiply(x, 1.5), 2.5), x), x), 1.0)
    far = ops.add(ops.multiply(ops.subtract(ops.multiply(ops.add(ops.multiply(x, -0.5), 2.5), x), 4.0), x), 2.0)
    return ops.where(ops.greater_equal(x, 2.0), ops.zeros_like(x), ops.where(ops.greater_equal(x, 1.0), far, near))


def _lanczos(radius: int) -> Callable[[Any], Any]:
    def kernel(x: Any) -> Any:
        y = ops.multiply(ops.multiply(radius, ops.sin(ops.multiply(x, np.pi))), ops.sin(ops.multiply(x, np.pi / radius)))
        safe = ops.where(ops.equal(x, 0.0), ops.ones_like(x), ops.multiply(ops.square(x), np.pi**2))
        out = ops.where(ops.greater(x, 1e-3), ops.divide(y, safe), ops.ones_like(x))
        return ops.where(ops.greater(x, float(radius)), ops.zeros_like(x), out)

    return kernel


SCALE_KERNELS: dict[str, Callable[[Any], Any]] = {
    **dict.fromkeys(("linear", "bilinear", "trilinear", "triangle"),
                    lambda x: ops.maximum(ops.subtract(1.0, ops.abs(x)), 0.0)),
    **dict.fromkeys(("cubic", "bicubic", "tricubic"), _keys_cubic),
    "lanczos3": _lanczos(3),
    "lanczos5": _lanczos(5),
}


def _scale_weights(input_size: int, output_size: int, scale: Any, translation: Any,
                   kernel: Callable[[Any], Any], antialias: bool) -> Any:
    """(input_size, output_size) resampling weights of one axis (``jax.image.scale_and_translate``)."""
    inverse = ops.divide(1.0, scale)
    kernel_scale = ops.maximum(inverse, 1.0) if antialias else 1.0
    sample = ops.subtract(ops.subtract(ops.multiply(ops.add(ops.arange(output_size, dtype="float32"), 0.5), inverse),
                                       ops.multiply(translation, inverse)), 0.5)
    distance = ops.abs(ops.subtract(ops.expand_dims(sample, 0),
                                    ops.expand_dims(ops.arange(input_size, dtype="float32"), 1)))
    weights = kernel(ops.divide(distance, kernel_scale))
    total = ops.sum(weights, axis=0, keepdims=True)
    usable = ops.greater(ops.abs(total), 1000.0 * float(np.finfo(np.float32).eps))
    weights = ops.where(usable, ops.divide(weights, ops.where(ops.equal(total, 0.0), ops.ones_like(total), total)),
                        ops.zeros_like(weights))
    inside = ops.logical_and(ops.greater_equal(sample, -0.5), ops.less_equal(sample, input_size - 0.5))
    return ops.where(ops.expand_dims(inside, 0), weights, ops.zeros_like(weights))


@derived("image", "images of any rank, output_shape of the same rank, scale and translation (one per spatial "
                  "dim), spatial_dims and a method linear/cubic/lanczos3/lanczos5")
def scale_and_translate(images, output_shape, scale, translation, spatial_dims, method, antialias=True):
    """Resampling with a scale and translation per spatial axis, as ``jax.image.scale_and_translate``:
    output sample o reads input position (o + 0.5 - translation) / scale - 0.5 through ``method``'s
    kernel, widened by 1 / scale when downscaling with ``antialias``."""
    if method not in SCALE_KERNELS:
        raise ValueError(f"method must be one of {', '.join(SCALE_KERNELS)}; received {method!r}.")
    x = floating(images)
    shape = ops.shape(x)
    if len(output_shape) != len(shape):
        raise ValueError(f"output_shape {tuple(output_shape)} must have the rank of images {shape}.")
    scale, translation = floating(scale), floating(translation)
    for position, axis in enumerate(spatial_dims):
        weights = _scale_weights(shape[axis], int(output_shape[axis]), ops.take(scale, position),
                                 ops.take(translation, position), SCALE_KERNELS[method], antialias)
        moved = ops.moveaxis(x, axis, -1)
        x = ops.moveaxis(ops.matmul(moved, ops.cast(weights, ops.dtype(x))), -1, axis)
    return x


@derived("image", "two float image batches of one shape, max_val > 0, an odd filter_size and sigma")
def ssim(image1, image2, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03, data_format=None):
    """Mean structural similarity (Wang et al. 2004) per image: Gaussian-weighted local means,
    variances and covariance over 'valid' windows, averaged over positions and channels."""
    first, second = floating(image1), floating(image2)
    if ops.shape(first) != ops.shape(second):
        raise ValueError(f"ssim needs images of one shape; received {ops.shape(first)} and {ops.shape(second)}.")
    channel_axis, batched = _layout(first, data_format, "ssim")
    offsets = np.arange(filter_size) - (filter_size - 1) / 2
    bell = np.exp(-(offsets**2) / (2.0 * filter_sigma**2))
    bell = bell / bell.sum()
    kernel = np.outer(bell, bell)

    def local_mean(values: Any) -> Any:
        return _depthwise_filter(values, kernel, data_format, "ssim", "valid")

    mean1, mean2 = local_mean(first), local_mean(second)
    variance1 = ops.subtract(local_mean(ops.square(first)), ops.square(mean1))
    variance2 = ops.subtract(local_mean(ops.square(second)), ops.square(mean2))
    covariance = ops.subtract(local_mean(ops.multiply(first, second)), ops.multiply(mean1, mean2))
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    numerator = ops.multiply(ops.add(ops.multiply(ops.multiply(mean1, mean2), 2.0), c1),
                             ops.add(ops.multiply(covariance, 2.0), c2))
    denominator = ops.multiply(ops.add(ops.add(ops.square(mean1), ops.square(mean2)), c1),
                               ops.add(ops.add(variance1, variance2), c2))
    similarity = ops.divide(numerator, denominator)
    rank = len(ops.shape(similarity))
    return ops.mean(similarity, axis=tuple(range(1 if batched else 0, rank)))


@derived("image", IMAGES + ", alpha and sigma >= 0, an interpolation, a fill mode and a seed", differentiable=False)
def elastic_transform(images, alpha=20.0, sigma=5.0, interpolation="bilinear", fill_mode="reflect", fill_value=0.0,
                      seed=None, data_format=None):
    """Elastic distortion (Simard et al. 2003): every pixel moves by alpha times a Gaussian-blurred
    (kernel int(6 sigma) | 1) field of normal noise times sigma, then the image is resampled there."""
    size = int(6 * sigma) | 1
    keys = None if seed is None else ops.split_seed(
        ops.make_seed(seed) if isinstance(seed, numbers.Integral) else seed, 2)

    def sources(x: Any) -> tuple[Any, Any]:
        batch, height, width, _ = ops.shape(x)
        grids = _pixel_grid(height, width, x)
        displaced = []
        for index, grid in enumerate(grids):
            key = None if keys is None else ops.take(keys, index, axis=0)
            noise = ops.multiply(ops.normal((batch, height, width, 1), seed=key), sigma)
            field = ops.squeeze(gaussian_blur(noise, (size, size), (sigma, sigma)), -1)
            displaced.append(ops.add(ops.multiply(field, alpha), grid))
        return displaced[0], displaced[1]

    return _warp(images, data_format, interpolation, fill_mode, fill_value, "elastic_transform", sources)
