"""Cases for activations, softmax, one-hot, moments, convolution, pooling and resizing."""

from __future__ import annotations

import numpy as np

from oneiros.testing.conformance._case import Case, call, case
from oneiros.testing.conformance._data import away_from_zero, distinct, integers, normal

ACTIVATIONS = ("relu", "relu6", "leaky_relu", "elu", "selu", "gelu", "silu", "softplus", "softsign",
               "sigmoid", "hard_sigmoid", "hard_silu", "log_sigmoid", "mish")
SATURATING = ("softplus", "sigmoid", "log_sigmoid", "silu", "mish", "gelu", "softsign", "elu")

# Between the kinks: |x| >= 0.1 stays off relu's 0, and |x| < 2.8 stays off the +-3 of the
# hard_* family and the 6 of relu6, so finite differences see smooth functions.
ACTIVATION_CASES = [
    case(op, "float32", lambda r: call(away_from_zero(r, (2, 5), 0.1, 2.8)), wrt=(0,))
    for op in ACTIVATIONS
] + [
    case(op, "wide-range", lambda r: call(normal(r, (3, 8), 4.0)))
    for op in ACTIVATIONS
] + [
    case(op, "large-magnitude", lambda r: call(normal(r, (2, 6), 1e4)))
    for op in SATURATING
] + [
    case(op, "float16", lambda r: call(normal(r, (2, 4), 2.0, "float16")))
    for op in ("relu", "sigmoid", "gelu", "silu")
] + [
    case("leaky_relu", "slope0.1", lambda r: call(away_from_zero(r, (2, 3)), 0.1), wrt=(0,)),
    case("elu", "alpha0.5", lambda r: call(away_from_zero(r, (2, 3)), alpha=0.5), wrt=(0,)),
    case("gelu", "exact", lambda r: call(normal(r, (2, 5), 2.0), approximate=False), wrt=(0,)),
]


def _masked(r: np.random.Generator) -> np.ndarray:
    logits = normal(r, (3, 4))
    logits[0, 1] = logits[2, 0] = logits[2, 3] = -np.inf
    return logits


SOFTMAX_CASES = [
    case(op, label, lambda r, make=make, kw=kw: call(make(r), **kw), wrt=(0,) if grad else (), jit=jit)
    for op in ("softmax", "log_softmax")
    for label, make, kw, grad, jit in (
        ("axis-neg1", lambda r: normal(r, (3, 5)), {}, True, op == "softmax"),
        ("axis0", lambda r: normal(r, (3, 5)), {"axis": 0}, True, False),
        ("axis-tuple", lambda r: normal(r, (2, 3, 4)), {"axis": (1, 2)}, False, False),
        ("large-magnitude", lambda r: normal(r, (3, 5), 1e4), {}, False, False),
        ("masked-neg-inf", _masked, {}, False, False),
        ("size1-axis", lambda r: normal(r, (3, 1)), {}, False, False),
        ("float16", lambda r: normal(r, (2, 4), 2.0, "float16"), {}, False, False),
    )
]

MISC_CASES = [
    case("one_hot", "out-of-range-gives-zeros", lambda r: call(np.array([0, 2, -1, 3, 1], np.int32), 3)),
    case("one_hot", "2d-axis0", lambda r: call(integers(r, (2, 3), 0, 4), 4, axis=0), jit=True),
    case("one_hot", "dtype-int32", lambda r: call(integers(r, (4,), 0, 3), 3, dtype="int32")),
    case("moments", "axes0", lambda r: call(normal(r, (4, 3)), (0,)), wrt=(0,)),
    case("moments", "axes-tuple-keepdims", lambda r: call(normal(r, (2, 3, 4)), (0, 1), keepdims=True), wrt=(0,)),
    case("moments", "negative-axis", lambda r: call(normal(r, (2, 5)), (-1,))),
]

SPATIAL = {1: (9,), 2: (7, 6), 3: (5, 4, 3)}
CHANNELS = 4


def _image(r: np.random.Generator, nd: int, channels_first: bool, make=normal) -> np.ndarray:
    spatial = SPATIAL[nd]
    return make(r, (2, CHANNELS, *spatial) if channels_first else (2, *spatial, CHANNELS))


def _format(channels_first: bool) -> dict[str, str]:
    return {"data_format": "channels_first"} if channels_first else {}


def _suffix(channels_first: bool) -> str:
    return "-channels_first" if channels_first else ""


def _conv(nd: int, padding: str, stride: int | tuple[int, ...], dilation: int, groups: int,
          channels_first: bool = False, jit: bool = False) -> Case:
    stride_text = "x".join(map(str, stride)) if isinstance(stride, tuple) else str(stride)
    label = f"{nd}d-{padding}-stride{stride_text}-dilation{dilation}-groups{groups}{_suffix(channels_first)}"
    kernel_size = 2 if nd == 3 else 3
    out_channels = 2 * groups

    def build(r: np.random.Generator):
        kernel = normal(r, (kernel_size,) * nd + (CHANNELS // groups, out_channels), 0.5)
        return call(_image(r, nd, channels_first), kernel, stride, padding,
                    dilation_rate=dilation, **_format(channels_first))

    return case("conv", label, build, wrt=(0, 1), jit=jit)


def _depthwise(nd: int, padding: str, stride: int, dilation: int, multiplier: int,
               channels_first: bool = False) -> Case:
    label = f"{nd}d-{padding}-stride{stride}-dilation{dilation}-multiplier{multiplier}{_suffix(channels_first)}"

    def build(r: np.random.Generator):
        kernel = normal(r, (3,) * nd + (CHANNELS, multiplier), 0.5)
        return call(_image(r, nd, channels_first), kernel, strides=stride, padding=padding,
                    dilation_rate=dilation, **_format(channels_first))

    return case("depthwise_conv", label, build, wrt=(0, 1))


def _transpose(nd: int, padding: str, stride: int, kernel_size: int = 3, dilation: int = 1,
               output_padding: int | None = None, channels_first: bool = False) -> Case:
    extra = f"-output_padding{output_padding}" if output_padding is not None else ""
    label = (f"{nd}d-{padding}-stride{stride}-kernel{kernel_size}-dilation{dilation}{extra}"
             f"{_suffix(channels_first)}")

    def build(r: np.random.Generator):
        kernel = normal(r, (kernel_size,) * nd + (3, CHANNELS), 0.5)
        return call(_image(r, nd, channels_first), kernel, stride, padding, output_padding,
                    dilation_rate=dilation, **_format(channels_first))

    return case("conv_transpose", label, build, wrt=(0, 1))


def _pool(op: str, nd: int, padding: str, pool: int | tuple[int, ...], stride: int | tuple[int, ...] | None,
          channels_first: bool = False, jit: bool = False) -> Case:
    def text(value: int | tuple[int, ...] | None) -> str:
        return "x".join(map(str, value)) if isinstance(value, tuple) else str(value)

    stride_label = f"-stride{text(stride)}" if stride is not None else ""
    label = f"{nd}d-{padding}-pool{text(pool)}{stride_label}{_suffix(channels_first)}"

    def build(r: np.random.Generator):
        # Distinct values: max pooling has no ties, so its gradient is defined everywhere.
        return call(_image(r, nd, channels_first, distinct), pool, stride, padding, **_format(channels_first))

    return case(op, label, build, wrt=(0,), jit=jit)


CONV_CASES = [
    _conv(1, "valid", 1, 1, 1),
    _conv(1, "same", 2, 1, 1),
    _conv(1, "same", 1, 2, 1, channels_first=True),
    _conv(1, "valid", 1, 1, 2),
    _conv(2, "valid", 1, 1, 1, jit=True),
    _conv(2, "same", 2, 1, 2),
    _conv(2, "same", 1, 2, 1),
    _conv(2, "valid", 2, 1, 1, channels_first=True),
    _conv(2, "same", 2, 2, 1),
    _conv(2, "same", 1, 1, 4),
    _conv(2, "same", (1, 2), 1, 1),
    _conv(3, "valid", 1, 1, 1),
    _conv(3, "same", 2, 1, 1, channels_first=True),
    _depthwise(2, "same", 1, 1, 2),
    _depthwise(1, "valid", 2, 1, 1),
    _depthwise(2, "valid", 1, 2, 1, channels_first=True),
    _depthwise(2, "same", 2, 1, 1),
    _transpose(2, "valid", 2),
    _transpose(2, "same", 2),
    _transpose(2, "same", 2, kernel_size=2),
    _transpose(1, "same", 1),
    _transpose(2, "valid", 2, output_padding=1),
    _transpose(1, "valid", 1, dilation=2),
    _transpose(2, "same", 2, channels_first=True),
    _transpose(3, "same", 2, kernel_size=2),
]

POOL_CASES = [
    _pool(op, *settings, **options)
    for op in ("max_pool", "average_pool")
    for settings, options in (
        ((2, "valid", 2, None), {"jit": op == "max_pool"}),
        ((2, "same", 3, 2), {}),
        ((2, "same", 2, 1), {}),
        ((1, "valid", 3, 1), {}),
        ((1, "same", 2, 2), {"channels_first": True}),
        ((3, "valid", 2, None), {}),
        ((2, "valid", (2, 3), (1, 2)), {}),
        ((2, "same", 3, 2), {"channels_first": True}),
    )
]


def _resize(label: str, shape: tuple[int, ...], size: tuple[int, int], interpolation: str,
            channels_first: bool = False) -> Case:
    return case("resize", f"{interpolation}-{label}{_suffix(channels_first)}",
                lambda r: call(normal(r, shape), size, interpolation, **_format(channels_first)), wrt=(0,))


RESIZE_CASES = [
    _resize("upsample-3x4-to-6x8", (2, 3, 4, 2), (6, 8), "bilinear"),
    _resize("downsample-6x6-to-4x3", (1, 6, 6, 2), (4, 3), "bilinear"),
    _resize("odd-5x5-to-7x3", (1, 5, 5, 1), (7, 3), "bilinear"),
    _resize("upsample-3x4-to-6x8", (2, 3, 4, 2), (6, 8), "nearest"),
    _resize("downsample-5x7-to-3x3", (1, 5, 7, 2), (3, 3), "nearest"),
    _resize("4x4-to-6x5", (1, 2, 4, 4), (6, 5), "bilinear", channels_first=True),
]

CASES = ACTIVATION_CASES + SOFTMAX_CASES + MISC_CASES + CONV_CASES + POOL_CASES + RESIZE_CASES


def _attention(r: np.random.Generator, heads: int = 4, key_heads: int = 2) -> tuple[np.ndarray, ...]:
    return normal(r, (2, 3, heads, 4)), normal(r, (2, 5, key_heads, 4)), normal(r, (2, 5, key_heads, 4))


def _ctc_arguments(r: np.random.Generator) -> tuple[np.ndarray, ...]:
    target = np.array([[1, 2, 2, 0], [3, 1, 0, 0], [2, 0, 0, 0]], np.int32)
    return (target, normal(r, (3, 7, 4)), np.array([3, 2, 1], np.int32), np.array([7, 5, 6], np.int32))


def _segments() -> np.ndarray:
    return np.array([0, 0, 2, 2, 3, 0], np.int32)


KERNEL_CASES = [
    case("dot_product_attention", "grouped-heads", lambda r: call(*_attention(r)), wrt=(0, 1, 2), jit=True),
    case("dot_product_attention", "causal-bias-scale",
         lambda r: call(*_attention(r, 2, 2), bias=normal(r, (1, 2, 3, 5)), scale=0.3, is_causal=True), wrt=(0, 1, 2)),
    case("dot_product_attention", "mask-soft-cap",
         lambda r: call(*_attention(r, 2, 1), mask=r.random((2, 2, 3, 5)) < 0.7, attn_logits_soft_cap=2.0)),
    case("separable_conv", "2d-same-stride2",
         lambda r: call(normal(r, (2, 6, 5, 3)), normal(r, (3, 3, 3, 2), 0.5), normal(r, (1, 1, 6, 4), 0.5), 2, "same"),
         wrt=(0, 1, 2)),
    case("separable_conv", "1d-channels_first",
         lambda r: call(normal(r, (2, 3, 9)), normal(r, (3, 3, 1), 0.5), normal(r, (1, 3, 2), 0.5),
                        data_format="channels_first", dilation_rate=2)),
    case("depth_to_space", "channels_last", lambda r: call(normal(r, (2, 3, 2, 8)), 2), wrt=(0,), jit=True),
    case("depth_to_space", "channels_first", lambda r: call(normal(r, (1, 9, 2, 2)), 3, "channels_first")),
    case("space_to_depth", "channels_last", lambda r: call(normal(r, (2, 4, 6, 3)), 2), wrt=(0,)),
    case("space_to_depth", "channels_first", lambda r: call(normal(r, (1, 2, 6, 3)), 3, "channels_first")),
    case("unfold", "3x3", lambda r: call(normal(r, (2, 3, 5, 4)), 3), wrt=(0,), jit=True),
    case("unfold", "dilated-padded-strided",
         lambda r: call(normal(r, (1, 2, 7, 6)), (2, 3), dilation=(1, 2), padding=1, stride=2)),
    case("fold", "3x3", lambda r: call(normal(r, (2, 27, 6)), (4, 5), 3), wrt=(0,)),
    case("fold", "dilated-padded-strided",
         lambda r: call(normal(r, (1, 12, 8)), (7, 6), (2, 3), dilation=(1, 2), padding=1, stride=2), wrt=(0,)),
    case("adaptive_average_pool", "2d-uneven", lambda r: call(normal(r, (2, 7, 5, 3)), (3, 2)), wrt=(0,), jit=True),
    case("adaptive_average_pool", "1d-channels_first",
         lambda r: call(normal(r, (2, 3, 10)), 4, data_format="channels_first"), wrt=(0,)),
    case("adaptive_average_pool", "3d", lambda r: call(normal(r, (1, 5, 4, 6, 2)), (2, 3, 4))),
    case("adaptive_max_pool", "2d-uneven", lambda r: call(distinct(r, (2, 7, 5, 3)), (3, 2)), wrt=(0,), jit=True),
    case("adaptive_max_pool", "1d-channels_first",
         lambda r: call(distinct(r, (2, 3, 10)), 4, data_format="channels_first"), wrt=(0,)),
    case("adaptive_max_pool", "3d-grow", lambda r: call(normal(r, (1, 3, 4, 2, 2)), (4, 4, 3))),
    case("ctc_loss", "lengths", lambda r: call(*_ctc_arguments(r)), wrt=(1,), jit=True),
    case("ctc_loss", "blank-last", lambda r: call(*_ctc_arguments(r), mask_index=3)),
    case("ctc_decode", "greedy", lambda r: call(distinct(r, (3, 7, 4)), np.array([7, 4, 6], np.int32)), jit=True),
    case("ctc_decode", "unmerged-blank2",
         lambda r: call(distinct(r, (2, 6, 3)), np.array([6, 6], np.int32), merge_repeated=False, mask_index=2)),
    case("segment_min", "every-segment", lambda r: call(distinct(r, (6, 3)), np.array([0, 1, 2, 2, 1, 0], np.int32), 3),
         wrt=(0,)),
    case("segment_min", "empty-segment", lambda r: call(distinct(r, (6, 3)), _segments(), 5)),
    case("segment_min", "inferred-count-int", lambda r: call(integers(r, (6,), -9, 9), _segments())),
    case("segment_prod", "empty-segment", lambda r: call(normal(r, (6, 2)), _segments(), 5), wrt=(0,)),
    case("segment_prod", "inferred-count-int", lambda r: call(integers(r, (6, 2), -3, 4), _segments())),
]

CASES += KERNEL_CASES
