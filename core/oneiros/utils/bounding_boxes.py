"""``oi.utils.bounding_boxes``: Keras's ``keras.utils.bounding_boxes`` functions, written in ``oneiros.ops``
so they run on every backend.

Formats (case-insensitive), as Keras names them: ``"xyxy"`` (left, top, right, bottom), ``"yxyx"``,
``"xywh"`` (left, top, width, height), ``"center_xywh"``, ``"center_yxhw"``, and the relative
``"rel_xyxy"``, ``"rel_yxyx"``, ``"rel_xywh"``, ``"rel_center_xywh"`` (coordinates divided by the
image ``width``/``height``, which they then require).

Example::

    from oneiros.utils import bounding_boxes

    boxes = [[10, 20, 30, 40], [50, 60, 70, 80]]
    bounding_boxes.convert_format(boxes, source="xyxy", target="xywh")     # [[10, 20, 20, 20], ...]
    bounding_boxes.compute_iou(boxes, boxes, bounding_box_format="xyxy")   # 2 x 2, ones on the diagonal
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping
from typing import Any

from oneiros import ops
from oneiros.ops._nn import EPSILON

__all__ = ["affine_transform", "clip_to_image_size", "compute_ciou", "compute_iou", "convert_format", "crop",
           "decode_deltas_to_boxes", "encode_box_to_deltas", "pad"]

Sides = tuple[Any, Any, Any, Any]
"""The four columns of a box tensor, each of shape ``(..., 1)``."""

_TO_XYXY: dict[str, Callable[[Sides], Sides]] = {
    "xyxy": lambda s: s,
    "yxyx": lambda s: (s[1], s[0], s[3], s[2]),
    "xywh": lambda s: (s[0], s[1], s[0] + s[2], s[1] + s[3]),
    "center_xywh": lambda s: (s[0] - s[2] / 2.0, s[1] - s[3] / 2.0, s[0] + s[2] / 2.0, s[1] + s[3] / 2.0),
    "center_yxhw": lambda s: (s[1] - s[3] / 2.0, s[0] - s[2] / 2.0, s[1] + s[3] / 2.0, s[0] + s[2] / 2.0),
}
_FROM_XYXY: dict[str, Callable[[Sides], Sides]] = {
    "xyxy": lambda s: s,
    "yxyx": lambda s: (s[1], s[0], s[3], s[2]),
    "xywh": lambda s: (s[0], s[1], s[2] - s[0], s[3] - s[1]),
    "center_xywh": lambda s: (s[0] + (s[2] - s[0]) / 2.0, s[1] + (s[3] - s[1]) / 2.0, s[2] - s[0], s[3] - s[1]),
    "center_yxhw": lambda s: (s[1] + (s[3] - s[1]) / 2.0, s[0] + (s[2] - s[0]) / 2.0, s[3] - s[1], s[2] - s[0]),
}
SUPPORTED_FORMATS = (*_TO_XYXY, *(f"rel_{name}" for name in _TO_XYXY if name != "center_yxhw"))
"""Keras's nine formats: the absolute five and the relative versions Keras defines."""


def _format(owner: str, argument: str, value: Any, allowed: tuple[str, ...] = SUPPORTED_FORMATS) -> str:
    name = value.lower() if isinstance(value, str) else value
    if name not in allowed:
        close = difflib.get_close_matches(str(name), allowed, n=2)
        hint = f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""
        raise ValueError(f"{owner}: `{argument}` must be one of {list(allowed)}; received {argument}={value!r}{hint}.")
    return name


def _sides(boxes: Any) -> Sides:
    first, second, third, fourth = ops.split(boxes, 4, axis=-1)
    return first, second, third, fourth


def _boxes(owner: str, boxes: Any, dtype: Any = "float32") -> Any:
    boxes = ops.cast(ops.convert_to_tensor(boxes), dtype)
    shape = tuple(ops.shape(boxes))
    if not shape or shape[-1] != 4:
        raise ValueError(f"{owner}: `boxes` must have a last dimension of 4 (one box per row); "
                         f"received boxes.shape={shape}.")
    return boxes


def _scale(sides: Sides, x_factor: Any, y_factor: Any) -> Sides:
    return sides[0] * x_factor, sides[1] * y_factor, sides[2] * x_factor, sides[3] * y_factor


def convert_format(boxes: Any, source: str, target: str, height: Any = None, width: Any = None,
                   dtype: Any = "float32") -> Any:
    """``keras.utils.bounding_boxes.convert_format``: ``boxes`` (``(..., 4)``, or a dict whose ``"boxes"``
    holds them) from format ``source`` to ``target``; relative formats need ``height`` and ``width``.
    A dict comes back as a new dict with the converted ``"boxes"``.

    Example::

        convert_format([[10, 20, 30, 40]], source="xyxy", target="rel_xyxy", height=200, width=300)
        # [[0.0333, 0.1, 0.1, 0.2]]
    """
    if isinstance(boxes, Mapping):
        return {**boxes, "boxes": convert_format(boxes["boxes"], source, target, height, width, dtype)}
    source = _format("convert_format", "source", source)
    target = _format("convert_format", "target", target)
    if (source.startswith("rel_") or target.startswith("rel_")) and (height is None or width is None):
        raise ValueError(f"convert_format: converting between relative and absolute formats needs `height` and "
                         f"`width`; received source={source!r}, target={target!r}, height={height}, width={width}.")
    boxes = _boxes("convert_format", boxes, dtype)
    if source == target:
        return boxes
    if source.startswith("rel_") and target.startswith("rel_"):
        source, target = source[4:], target[4:]
    sides = _TO_XYXY[source.removeprefix("rel_")](_sides(boxes))
    if source.startswith("rel_"):
        sides = _scale(sides, ops.cast(width, dtype), ops.cast(height, dtype))
    if target.startswith("rel_"):
        sides = _scale(sides, 1.0 / ops.cast(width, dtype), 1.0 / ops.cast(height, dtype))
    return ops.concatenate(list(_FROM_XYXY[target.removeprefix("rel_")](sides)), axis=-1)


def clip_to_image_size(bounding_boxes: Mapping[str, Any], height: Any = None, width: Any = None,
                       bounding_box_format: str = "xyxy") -> dict[str, Any]:
    """``keras.utils.bounding_boxes.clip_to_image_size``: the ``"boxes"`` of ``bounding_boxes`` clipped to
    the image (``[0, width] x [0, height]``, or ``[0, 1]`` for ``"rel_xyxy"``); a box left with no area
    gets the label ``-1``.

    Example::

        clip_to_image_size({"boxes": [[-10, -20, 150, 160]], "labels": [3]}, height=100, width=120)
        # {"boxes": [[0, 0, 120, 100]], "labels": [3]}
    """
    owner = "clip_to_image_size"
    bounding_box_format = _format(owner, "bounding_box_format", bounding_box_format, ("xyxy", "rel_xyxy"))
    if not isinstance(bounding_boxes, Mapping) or "boxes" not in bounding_boxes:
        raise ValueError(f"{owner}: `bounding_boxes` must be a dict with a 'boxes' entry (and optionally "
                         f"'labels'); received {type(bounding_boxes).__name__}.")
    if bounding_box_format == "xyxy" and (height is None or width is None):
        raise ValueError(f"{owner}: `height` and `width` are needed for bounding_box_format='xyxy'; "
                         f"received height={height}, width={width}.")
    boxes = _boxes(owner, bounding_boxes["boxes"], ops.convert_to_tensor(bounding_boxes["boxes"]).dtype)
    x_limit, y_limit = (width, height) if bounding_box_format == "xyxy" else (1.0, 1.0)
    x1, y1, x2, y2 = _sides(boxes)
    sides = (ops.clip(x1, 0, x_limit), ops.clip(y1, 0, y_limit), ops.clip(x2, 0, x_limit), ops.clip(y2, 0, y_limit))
    result = {**bounding_boxes, "boxes": ops.concatenate(list(sides), axis=-1)}
    if bounding_boxes.get("labels") is not None:
        area = ops.squeeze((sides[2] - sides[0]) * (sides[3] - sides[1]), axis=-1)
        labels = ops.convert_to_tensor(bounding_boxes["labels"])
        result["labels"] = ops.where(area > 0, labels, ops.cast(-1, labels.dtype))
    return result


def _xyxy_only(owner: str, bounding_box_format: str) -> None:
    _format(owner, "bounding_box_format", bounding_box_format, ("xyxy",))


def affine_transform(boxes: Any, angle: Any, translate_x: Any, translate_y: Any, scale: Any, shear_x: Any,
                     shear_y: Any, height: Any, width: Any, center_x: Any = None, center_y: Any = None,
                     bounding_box_format: str = "xyxy") -> Any:
    """``keras.utils.bounding_boxes.affine_transform``: the boxes (``(batch, N, 4)``, ``"xyxy"``) that enclose
    each box's corners after the affine image transform of Keras's ``RandomAffine``-family layers, one
    transform per batch element: ``angle``/``shear_x``/``shear_y`` in degrees, translations and the
    centre (default 0.5) as fractions of the image, ``scale`` a factor; each argument has shape ``(batch,)``.
    """
    _xyxy_only("affine_transform", bounding_box_format)
    boxes = _boxes("affine_transform", boxes)
    if len(ops.shape(boxes)) != 3:
        raise ValueError(f"affine_transform: `boxes` must be batched, shape (batch, N, 4); "
                         f"received boxes.shape={tuple(ops.shape(boxes))}.")
    matrix = _inverse_affine_matrix(0.5 if center_x is None else center_x, 0.5 if center_y is None else center_y,
                                    angle, translate_x, translate_y, scale, shear_x, shear_y, height, width)
    x1, y1, x2, y2 = (ops.squeeze(side, axis=-1) for side in _sides(boxes))
    corners = ops.stack([ops.stack([x1, y1], axis=-1), ops.stack([x2, y1], axis=-1),
                         ops.stack([x2, y2], axis=-1), ops.stack([x1, y2], axis=-1)], axis=2)
    corners = ops.concatenate([corners, ops.ones_like(corners[..., :1])], axis=-1)
    moved = ops.einsum("bnxy,byz->bnxz", corners, ops.transpose(matrix[:, :2, :], (0, 2, 1)))
    return ops.concatenate([ops.amin(moved, axis=2), ops.amax(moved, axis=2)], axis=-1)


def _inverse_affine_matrix(center_x: Any, center_y: Any, angle: Any, translate_x: Any, translate_y: Any,
                           scale: Any, shear_x: Any, shear_y: Any, height: Any, width: Any) -> Any:
    """The ``(batch, 3, 3)`` matrices Keras's image layers use (TensorFlow Addons' inverse affine)."""
    angle = ops.cast(ops.convert_to_tensor(angle), "float32")
    radians = math.pi / 180.0
    cx, cy = center_x * (width - 1), center_y * (height - 1)
    rotation = -angle * radians
    tx = ops.cast(ops.convert_to_tensor(translate_x), "float32") * -(width - 1)
    ty = ops.cast(ops.convert_to_tensor(translate_y), "float32") * -(height - 1)
    sx = -ops.cast(ops.convert_to_tensor(shear_x), "float32") * radians
    sy = -ops.cast(ops.convert_to_tensor(shear_y), "float32") * radians
    scale = ops.cast(ops.convert_to_tensor(scale), "float32")
    cos_sy, tan_sx = ops.cos(sy), ops.tan(sx)
    a = ops.cos(rotation - sy) / cos_sy
    b = a * tan_sx + ops.sin(rotation)
    c = -ops.sin(rotation - sy) / cos_sy
    d = ops.cos(rotation) - c * tan_sx
    a0, a1, b0, b1 = d * scale, -b * scale, -c * scale, a * scale
    a2 = cx - a0 * (cx + tx) - a1 * (cy + ty)
    b2 = cy - b0 * (cx + tx) - b1 * (cy + ty)
    zeros, ones = ops.zeros_like(angle), ops.ones_like(angle)
    return ops.reshape(ops.stack([a0, a1, a2, b0, b1, b2, zeros, zeros, ones], axis=-1), (-1, 3, 3))


def crop(boxes: Any, top: Any, left: Any, height: Any, width: Any, bounding_box_format: str = "xyxy") -> Any:
    """``keras.utils.bounding_boxes.crop``: ``"xyxy"`` boxes in the coordinates of the ``height x width``
    window whose top-left corner is ``(left, top)``, clipped to it.

    Example::

        crop([[10, 20, 50, 60]], top=10, left=20, height=40, width=30)   # [[0, 10, 30, 40]]
    """
    _xyxy_only("crop", bounding_box_format)
    x1, y1, x2, y2 = _sides(ops.convert_to_tensor(boxes))
    return ops.concatenate([ops.clip(x1 - left, 0, width), ops.clip(y1 - top, 0, height),
                            ops.clip(x2 - left, 0, width), ops.clip(y2 - top, 0, height)], axis=-1)


def pad(boxes: Any, top: Any, left: Any, height: Any = None, width: Any = None,
        bounding_box_format: str = "xyxy") -> Any:
    """``keras.utils.bounding_boxes.pad``: ``"xyxy"`` boxes moved by the ``top``/``left`` padding of their
    image (``height``/``width`` are accepted for Keras's signature and unused, as in Keras)."""
    _xyxy_only("pad", bounding_box_format)
    x1, y1, x2, y2 = _sides(ops.convert_to_tensor(boxes))
    return ops.concatenate([x1 + left, y1 + top, x2 + left, y2 + top], axis=-1)


def _variance(owner: str, variance: Any) -> Any:
    if variance is None:
        return None
    variance = ops.cast(ops.convert_to_tensor(variance), "float32")
    if tuple(ops.shape(variance))[-1:] != (4,):
        raise ValueError(f"{owner}: `variance` must hold 4 factors; received variance of shape "
                         f"{tuple(ops.shape(variance))}.")
    return variance


def _image_size(image_shape: Any) -> tuple[Any, Any]:
    if image_shape is None:
        return None, None
    height, width, _ = image_shape
    return height, width


def encode_box_to_deltas(anchors: Any, boxes: Any, anchor_format: str, box_format: str,
                         encoding_format: str = "center_yxhw", variance: Any = None, image_shape: Any = None) -> Any:
    """``keras.utils.bounding_boxes.encode_box_to_deltas``: the offsets (centre shift over anchor size, log
    of the size ratio) that take each anchor to its box, in ``encoding_format`` order, divided by
    ``variance`` when given. ``image_shape`` (``(height, width, channels)``) serves relative formats.
    """
    owner = "encode_box_to_deltas"
    variance = _variance(owner, variance)
    encoding_format = _format(owner, "encoding_format", encoding_format, ("center_xywh", "center_yxhw"))
    height, width = _image_size(image_shape)
    anchors = convert_format(anchors, anchor_format, encoding_format, height, width)
    boxes = convert_format(boxes, box_format, encoding_format, height, width)
    anchor_size = ops.maximum(anchors[..., 2:], EPSILON)
    box_size = ops.maximum(boxes[..., 2:], EPSILON)
    deltas = ops.concatenate([(boxes[..., :2] - anchors[..., :2]) / anchor_size, ops.log(box_size / anchor_size)],
                             axis=-1)
    return deltas if variance is None else deltas / variance


def decode_deltas_to_boxes(anchors: Any, boxes_delta: Any, anchor_format: str, box_format: str,
                           encoded_format: str = "center_yxhw", variance: Any = None, image_shape: Any = None) -> Any:
    """``keras.utils.bounding_boxes.decode_deltas_to_boxes``: the inverse of ``encode_box_to_deltas``, boxes
    in ``box_format``. ``anchors`` and ``boxes_delta`` may be dicts of feature-pyramid levels (same keys):
    the result is then a dict too.
    """
    owner = "decode_deltas_to_boxes"
    variance = _variance(owner, variance)
    encoded_format = _format(owner, "encoded_format", encoded_format, ("center_xywh", "center_yxhw"))
    height, width = _image_size(image_shape)

    def decode(anchor: Any, delta: Any) -> Any:
        anchor = convert_format(anchor, anchor_format, encoded_format, height, width)
        delta = ops.convert_to_tensor(delta)
        if variance is not None:
            delta = delta * variance
        box = ops.concatenate([delta[..., :2] * anchor[..., 2:] + anchor[..., :2],
                               ops.exp(delta[..., 2:]) * anchor[..., 2:]], axis=-1)
        return convert_format(box, encoded_format, box_format, height, width)

    if isinstance(anchors, Mapping) and isinstance(boxes_delta, Mapping):
        if set(anchors) != set(boxes_delta):
            raise ValueError(f"{owner}: `anchors` and `boxes_delta` must have the same levels; received "
                             f"{sorted(anchors)} and {sorted(boxes_delta)}.")
        return {level: decode(anchor, boxes_delta[level]) for level, anchor in anchors.items()}
    return decode(anchors, boxes_delta)


def _rank(owner: str, argument: str, boxes: Any) -> int:
    rank = len(ops.shape(boxes))
    if rank not in (2, 3):
        raise ValueError(f"{owner}: `{argument}` must be (N, 4) or (batch, N, 4); "
                         f"received {argument}.shape={tuple(ops.shape(boxes))}.")
    return rank


def compute_iou(boxes1: Any, boxes2: Any, bounding_box_format: str, use_masking: bool = False, mask_val: Any = -1,
                image_shape: Any = None) -> Any:
    """``keras.utils.bounding_boxes.compute_iou``: the pairwise intersection over union, ``(M, N)`` or
    ``(batch, M, N)`` for ``(M, 4)``/``(batch, M, 4)`` against ``(N, 4)``/``(batch, N, 4)``. With
    ``use_masking``, pairs where either box is all negative (padding) read ``mask_val``.

    Example::

        compute_iou([[0, 0, 2, 2]], [[1, 1, 3, 3], [0, 0, 2, 2]], "xyxy")   # [[1/7, 1.0]]
    """
    owner = "compute_iou"
    _rank(owner, "boxes1", ops.convert_to_tensor(boxes1))
    _rank(owner, "boxes2", ops.convert_to_tensor(boxes2))
    if "rel" in str(bounding_box_format).lower() and image_shape is None:
        raise ValueError(f"{owner}: relative formats need `image_shape` (height, width, channels); "
                         f"received bounding_box_format={bounding_box_format!r}, image_shape=None.")
    height, width = _image_size(image_shape)
    boxes1 = convert_format(boxes1, bounding_box_format, "yxyx", height, width)
    boxes2 = convert_format(boxes2, bounding_box_format, "yxyx", height, width)
    top1, left1, bottom1, right1 = _sides(boxes1)
    top2, left2, bottom2, right2 = (ops.swapaxes(side, -1, -2) for side in _sides(boxes2))
    overlap = (ops.maximum(ops.minimum(bottom1, bottom2) - ops.maximum(top1, top2), 0.0)
               * ops.maximum(ops.minimum(right1, right2) - ops.maximum(left1, left2), 0.0))
    union = (bottom1 - top1) * (right1 - left1) + (bottom2 - top2) * (right2 - left2) - overlap
    iou = overlap / (union + EPSILON)
    if not use_masking:
        return iou
    padding1 = ops.max(boxes1, axis=-1, keepdims=True) < 0.0
    padding2 = ops.swapaxes(ops.max(boxes2, axis=-1, keepdims=True) < 0.0, -1, -2)
    return ops.where(ops.logical_or(padding1, padding2), ops.cast(mask_val, iou.dtype), iou)


def compute_ciou(boxes1: Any, boxes2: Any, bounding_box_format: str, image_shape: Any = None) -> Any:
    """``keras.utils.bounding_boxes.compute_ciou``: the complete IoU of matching boxes (IoU minus the
    normalized centre distance and an aspect-ratio term), shape ``(...)`` for boxes ``(..., 4)``.
    Relative formats are refused, as Keras refuses them.
    """
    owner = "compute_ciou"
    bounding_box_format = _format(owner, "bounding_box_format", bounding_box_format)
    if bounding_box_format.startswith("rel_"):
        raise ValueError(f"{owner}: relative formats are not supported (as in Keras); "
                         f"received bounding_box_format={bounding_box_format!r}.")
    height, width = _image_size(image_shape)
    left1, top1, right1, bottom1 = _sides(convert_format(boxes1, bounding_box_format, "xyxy", height, width))
    left2, top2, right2, bottom2 = _sides(convert_format(boxes2, bounding_box_format, "xyxy", height, width))
    width1, height1 = right1 - left1, bottom1 - top1 + EPSILON
    width2, height2 = right2 - left2, bottom2 - top2 + EPSILON
    overlap = (ops.maximum(ops.minimum(right1, right2) - ops.maximum(left1, left2), 0.0)
               * ops.maximum(ops.minimum(bottom1, bottom2) - ops.maximum(top1, top2), 0.0))
    union = width1 * height1 + width2 * height2 - overlap + EPSILON
    iou = ops.squeeze(overlap / (union + EPSILON), axis=-1)
    hull_diagonal = ops.squeeze((ops.maximum(right1, right2) - ops.minimum(left1, left2)) ** 2
                                + (ops.maximum(bottom1, bottom2) - ops.minimum(top1, top2)) ** 2 + EPSILON, axis=-1)
    centre_distance = ops.squeeze(((left1 + right1) / 2 - (left2 + right2) / 2) ** 2
                                  + ((top1 + bottom1) / 2 - (top2 + bottom2) / 2) ** 2, axis=-1)
    aspect = ops.squeeze((4 / math.pi ** 2) * (ops.arctan(width2 / height2) - ops.arctan(width1 / height1)) ** 2,
                         axis=-1)
    alpha = aspect / (aspect - iou + (1 + EPSILON))
    return iou - (centre_distance / hull_diagonal + aspect * alpha)
