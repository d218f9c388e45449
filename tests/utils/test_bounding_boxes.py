"""oi.utils.bounding_boxes against keras.utils.bounding_boxes itself (JAX backend) on the same boxes."""

import itertools

import keras
import numpy as np
import pytest

from oneiros import ops
from oneiros.utils import bounding_boxes as ours

theirs = keras.utils.bounding_boxes
HEIGHT, WIDTH = 60, 80
FORMATS = ("xyxy", "yxyx", "xywh", "center_xywh", "center_yxhw", "rel_xyxy", "rel_yxyx", "rel_xywh",
           "rel_center_xywh")


def xyxy_boxes(seed, shape):
    """Valid ``xyxy`` boxes inside a HEIGHT x WIDTH image, some reaching past its edges."""
    rng = np.random.default_rng(seed)
    corner = rng.uniform([-5, -5], [WIDTH - 10, HEIGHT - 10], size=(*shape, 2))
    size = rng.uniform(2, 30, size=(*shape, 2))
    return np.concatenate([corner, corner + size], axis=-1).astype("float32")


def in_format(boxes, fmt):
    return np.asarray(theirs.convert_format(boxes.copy(), "xyxy", fmt, height=HEIGHT, width=WIDTH))


def close(actual, expected, atol=1e-4):
    np.testing.assert_allclose(ops.convert_to_numpy(actual), np.asarray(expected), rtol=1e-5, atol=atol)


@pytest.mark.parametrize("source", FORMATS)
def test_convert_format_every_pair(source):
    boxes = in_format(xyxy_boxes(0, (2, 5)), source)
    for target in FORMATS:
        expected = theirs.convert_format(boxes.copy(), source, target, height=HEIGHT, width=WIDTH)
        close(ours.convert_format(boxes, source, target, height=HEIGHT, width=WIDTH), expected)


def test_convert_format_dict_and_case():
    boxes = {"boxes": xyxy_boxes(1, (3,)), "labels": np.array([0, 1, 2])}
    converted = ours.convert_format(boxes, "XYXY", "Center_XYWH")
    close(converted["boxes"], theirs.convert_format(dict(boxes), "xyxy", "center_xywh")["boxes"])
    assert converted["labels"] is boxes["labels"] and converted is not boxes


def test_convert_format_refuses_bad_input():
    with pytest.raises(ValueError, match=r"source.*'xyhw'.*did you mean"):
        ours.convert_format(np.zeros((1, 4)), "xyhw", "xyxy")
    with pytest.raises(ValueError, match=r"height.*width.*rel_xyxy"):
        ours.convert_format(np.zeros((1, 4)), "xyxy", "rel_xyxy")
    with pytest.raises(ValueError, match=r"last dimension of 4.*\(2, 3\)"):
        ours.convert_format(np.zeros((2, 3)), "xyxy", "xywh")


@pytest.mark.parametrize("fmt", ["xyxy", "rel_xyxy"])
def test_clip_to_image_size(fmt):
    boxes = xyxy_boxes(2, (2, 6))
    boxes[0, 0] = [-20, -20, -5, -5]  # entirely outside: no area left, label -1
    if fmt == "rel_xyxy":
        boxes = boxes / np.array([WIDTH, HEIGHT, WIDTH, HEIGHT], "float32")
    labels = np.arange(12).reshape(2, 6)
    expected = theirs.clip_to_image_size({"boxes": boxes, "labels": labels}, HEIGHT, WIDTH, fmt)
    clipped = ours.clip_to_image_size({"boxes": boxes, "labels": labels}, HEIGHT, WIDTH, fmt)
    close(clipped["boxes"], expected["boxes"])
    np.testing.assert_array_equal(ops.convert_to_numpy(clipped["labels"]), np.asarray(expected["labels"]))
    assert ops.convert_to_numpy(clipped["labels"])[0, 0] == -1
    with pytest.raises(ValueError, match="bounding_box_format"):
        ours.clip_to_image_size({"boxes": boxes}, HEIGHT, WIDTH, "xywh")


def test_crop_and_pad():
    boxes = xyxy_boxes(3, (2, 4))
    close(ours.crop(boxes, top=10, left=20, height=40, width=30), theirs.crop(boxes, 10, 20, 40, 30))
    close(ours.pad(boxes, top=7, left=3), theirs.pad(boxes, 7, 3))
    with pytest.raises(ValueError, match=r"bounding_box_format.*'yxyx'"):
        ours.crop(boxes, 1, 1, 4, 4, bounding_box_format="yxyx")


def test_affine_transform():
    boxes = xyxy_boxes(4, (3, 5))
    args = [np.array(value, "float32") for value in ([15.0, -30.0, 0.0], [0.1, 0.0, -0.2], [0.0, 0.05, 0.1],
                                                     [1.0, 1.2, 0.8], [5.0, 0.0, -10.0], [0.0, 8.0, 3.0])]
    expected = theirs.affine_transform(boxes, *args, HEIGHT, WIDTH)
    close(ours.affine_transform(boxes, *args, HEIGHT, WIDTH), expected, atol=1e-3)
    centred = theirs.affine_transform(boxes, *args, HEIGHT, WIDTH, center_x=0.3, center_y=0.6)
    close(ours.affine_transform(boxes, *args, HEIGHT, WIDTH, center_x=0.3, center_y=0.6), centred, atol=1e-3)


@pytest.mark.parametrize("anchor_format,box_format", [("xyxy", "xyxy"), ("center_xywh", "yxyx"),
                                                      ("rel_xyxy", "xywh")])
@pytest.mark.parametrize("encoding", ["center_yxhw", "center_xywh"])
def test_encode_decode_deltas(anchor_format, box_format, encoding):
    image_shape = (HEIGHT, WIDTH, 3)
    anchors = in_format(xyxy_boxes(5, (7,)), anchor_format)
    boxes = in_format(xyxy_boxes(6, (2, 7)), box_format)
    variance = [0.1, 0.1, 0.2, 0.2]
    expected = theirs.encode_box_to_deltas(anchors, boxes, anchor_format, box_format, encoding, variance, image_shape)
    deltas = ours.encode_box_to_deltas(anchors, boxes, anchor_format, box_format, encoding, variance, image_shape)
    close(deltas, expected)
    decoded = theirs.decode_deltas_to_boxes(anchors, np.asarray(expected), anchor_format, box_format, encoding,
                                            variance, image_shape)
    close(ours.decode_deltas_to_boxes(anchors, deltas, anchor_format, box_format, encoding, variance, image_shape),
          decoded, atol=1e-3)
    levels = ours.decode_deltas_to_boxes({"p3": anchors}, {"p3": deltas}, anchor_format, box_format, encoding,
                                         variance, image_shape)
    close(levels["p3"], decoded, atol=1e-3)


def test_deltas_refuse_bad_arguments():
    anchors = xyxy_boxes(7, (2,))
    with pytest.raises(ValueError, match=r"variance.*4"):
        ours.encode_box_to_deltas(anchors, anchors, "xyxy", "xyxy", variance=[1.0, 1.0])
    with pytest.raises(ValueError, match=r"encoded_format.*'xyxy'"):
        ours.decode_deltas_to_boxes(anchors, anchors, "xyxy", "xyxy", encoded_format="xyxy")


@pytest.mark.parametrize("fmt", FORMATS)
def test_compute_iou_every_format_and_rank(fmt):
    image_shape = (HEIGHT, WIDTH, 3)
    batched1, batched2 = in_format(xyxy_boxes(8, (2, 4)), fmt), in_format(xyxy_boxes(9, (2, 5)), fmt)
    for boxes1, boxes2 in itertools.product([batched1, batched1[0]], [batched2, batched2[1]]):
        expected = theirs.compute_iou(boxes1, boxes2, fmt, image_shape=image_shape)
        close(ours.compute_iou(boxes1, boxes2, fmt, image_shape=image_shape), expected)


def test_compute_iou_masking_and_hand_value():
    close(ours.compute_iou([[0, 0, 2, 2]], [[1, 1, 3, 3], [0, 0, 2, 2]], "xyxy"), [[1 / 7, 1.0]])
    boxes1, boxes2 = xyxy_boxes(10, (2, 3)), xyxy_boxes(11, (2, 4))
    boxes1[0, 1] = -1
    boxes2[1, 2] = -1
    expected = theirs.compute_iou(boxes1, boxes2, "xyxy", use_masking=True, mask_val=-7)
    masked = ours.compute_iou(boxes1, boxes2, "xyxy", use_masking=True, mask_val=-7)
    close(masked, expected)
    assert (ops.convert_to_numpy(masked) == -7).sum() == 4 + 3  # one padded row of batch 0, one column of batch 1
    with pytest.raises(ValueError, match=r"boxes1.*\(4,\)"):
        ours.compute_iou(np.zeros(4), boxes2, "xyxy")
    with pytest.raises(ValueError, match="image_shape"):
        ours.compute_iou(boxes1, boxes2, "rel_xyxy")


@pytest.mark.parametrize("fmt", FORMATS[:5])
def test_compute_ciou(fmt):
    boxes1, boxes2 = in_format(xyxy_boxes(12, (2, 6)), fmt), in_format(xyxy_boxes(13, (2, 6)), fmt)
    close(ours.compute_ciou(boxes1, boxes2, fmt), theirs.compute_ciou(boxes1, boxes2, fmt))
    with pytest.raises(ValueError, match="relative"):
        ours.compute_ciou(boxes1, boxes2, "rel_xyxy", image_shape=(HEIGHT, WIDTH, 3))


def test_namespace():
    import oneiros as oi

    assert sorted(ours.__all__) == sorted(name for name in dir(theirs) if not name.startswith("_"))
    assert oi.utils.bounding_boxes is ours
