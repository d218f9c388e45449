"""Neural-network ops: activations, softmax, one-hot, convolution, pooling, normalization.

Spatial ops take ``data_format`` "channels_last" (N, *spatial, C) or "channels_first"
(N, C, *spatial). Kernels are (*spatial, in_channels // groups, out_channels), as in Keras.
"""

from __future__ import annotations

import inspect
import math
import numbers
from typing import Any

import numpy as np

from oneiros import ops
from oneiros.backend._keras_settings import EPSILON
from oneiros.backend.geometry import check_format, per_axis
from oneiros.ops._contract import derived, op
from oneiros.ops._derive import floating, normalized_axis, tensor

ACTIVATION = "a float tensor"
CONV = (
    "inputs of ndim 3-5 (N, *spatial, C) or channels-first, a kernel (*spatial, C // groups, out) "
    "with C divisible by the kernel's input channels, padding 'valid' or 'same', positive strides "
    "and dilation_rate (ints or one per spatial axis)"
)
POOL = "inputs of ndim 3-5, pool_size/strides ints or one per spatial axis, padding 'valid'/'same'"


def _activation(name: str, doc: str, *params: tuple[str, object]):
    def spec(x, *args, **kwargs):
        pass

    parameters = [inspect.Parameter("x", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    parameters += [
        inspect.Parameter(param, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default)
        for param, default in params
    ]
    spec.__signature__ = inspect.Signature(parameters)
    spec.__name__ = spec.__qualname__ = name
    spec.__doc__ = doc
    return op("nn", ACTIVATION)(spec)


relu = _activation("relu", "max(x, 0).")
relu6 = _activation("relu6", "min(max(x, 0), 6).")
leaky_relu = _activation("leaky_relu", "x if x >= 0 else negative_slope * x.", ("negative_slope", 0.2))
elu = _activation("elu", "x if x > 0 else alpha * (exp(x) - 1).", ("alpha", 1.0))
selu = _activation("selu", "scale * elu(x, alpha) with the self-normalizing constants.")
gelu = _activation("gelu", "x * Phi(x); the tanh approximation when ``approximate``.", ("approximate", True))
silu = _activation("silu", "x * sigmoid(x).")
softplus = _activation("softplus", "log(1 + exp(x)), stable for large |x|.")
softsign = _activation("softsign", "x / (1 + |x|).")
sigmoid = _activation("sigmoid", "1 / (1 + exp(-x)), stable for large |x|.")
hard_sigmoid = _activation("hard_sigmoid", "clip(x / 6 + 0.5, 0, 1).")
hard_silu = _activation("hard_silu", "x * hard_sigmoid(x).")
log_sigmoid = _activation("log_sigmoid", "log(sigmoid(x)), stable for large |x|.")
mish = _activation("mish", "x * tanh(softplus(x)).")


@op("nn", "a float tensor and an axis (or tuple of axes) within range")
def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along ``axis``, stable for large |x|."""


@op("nn", "a float tensor and an axis (or tuple of axes) within range")
def log_softmax(x, axis=-1):
    """x - logsumexp(x) along ``axis``."""


@op("nn", "an integer tensor, num_classes >= 1 and an axis", differentiable=False)
def one_hot(x, num_classes, axis=-1, dtype="float32"):
    """One-hot encoding; out-of-range values (including negatives) give all zeros."""


@op("nn", "a tensor and axes within range")
def moments(x, axes, keepdims=False):
    """(mean, population variance) of ``x`` over ``axes``."""


@op("nn", CONV)
def conv(inputs, kernel, strides=1, padding="valid", data_format="channels_last", dilation_rate=1):
    """N-d cross-correlation (1-3 spatial dims); groups = C // kernel.shape[-2]."""


@op("nn", "inputs (N, *spatial, C), a kernel (*spatial, C, multiplier) and conv arguments")
def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format="channels_last",
                   dilation_rate=1):
    """Per-channel convolution; output channels = C * multiplier, ordered c * multiplier + m."""


@op("nn", "inputs (N, *spatial, C), a kernel (*spatial, out, C) and conv arguments")
def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format="channels_last", dilation_rate=1):
    """The gradient of ``conv`` with respect to its input (Keras Conv*Transpose semantics)."""


@op("nn", POOL)
def max_pool(inputs, pool_size, strides=None, padding="valid", data_format="channels_last"):
    """Maximum over windows; strides default to pool_size; 'same' pads with -inf."""


@op("nn", POOL)
def average_pool(inputs, pool_size, strides=None, padding="valid", data_format="channels_last"):
    """Mean over windows; strides default to pool_size; 'same' averages only real elements."""


@op("nn", "images (N, H, W, C) or channels-first, a size (height, width) and method nearest/bilinear")
def resize(images, size, interpolation="bilinear", data_format="channels_last"):
    """Images resized with half-pixel centers (antialias off), like ``jax.image.resize``."""


def _data_format(data_format: Any) -> str:
    """Keras's ``None`` is the configured image data format: channels_last here."""
    return "channels_last" if data_format is None else check_format(data_format)


def _rank(x: Any) -> int:
    return len(ops.shape(x))


@derived("nn", "query (B, T, N, H), key and value (B, S, K, H) with N divisible by K (or without B), an "
               "optional bias broadcastable to (B, N, T, S) and bool mask (True attends)")
def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    """softmax(scale * q k^T + bias, masked) v per head, Keras semantics: scale defaults to
    1 / sqrt(H), K < N key heads are shared by N / K query heads each, ``is_causal`` masks keys
    after the query's position, logits are capped by cap * tanh(logits / cap) when
    ``attn_logits_soft_cap``; ``flash_attention`` selects a kernel, never the values."""
    if flash_attention:
        raise ValueError("flash_attention=True needs a fused attention kernel, which no oneiros backend has; "
                         "received flash_attention=True (None or False compute the same values).")
    query, key, value = (floating(part) for part in (query, key, value))
    unbatched = _rank(query) == 3
    if unbatched:
        query, key, value = (ops.expand_dims(part, 0) for part in (query, key, value))
    if _rank(query) != 4 or _rank(key) != 4 or ops.shape(key) != ops.shape(value):
        raise ValueError(f"dot_product_attention needs query (B, T, N, H) and key/value (B, S, K, H) of equal "
                         f"shapes; received {ops.shape(query)}, {ops.shape(key)}, {ops.shape(value)}.")
    heads, key_heads = ops.shape(query)[2], ops.shape(key)[2]
    if heads % key_heads:
        raise ValueError(f"dot_product_attention: {heads} query heads are not a multiple of {key_heads} key heads.")
    if key_heads != heads:
        key, value = (ops.repeat(part, heads // key_heads, axis=2) for part in (key, value))
    scale = 1 / math.sqrt(ops.shape(query)[-1]) if scale is None else scale
    logits = ops.multiply(ops.einsum("btnh,bsnh->bnts", query, key), scale)
    if bias is not None:
        logits = ops.add(logits, bias)
    if attn_logits_soft_cap is not None:
        logits = ops.multiply(ops.tanh(ops.divide(logits, attn_logits_soft_cap)), attn_logits_soft_cap)
    keep = None if mask is None else ops.cast(mask, "bool")
    if is_causal:
        steps, sources = ops.shape(logits)[2], ops.shape(logits)[3]
        causal = ops.convert_to_tensor(np.tril(np.ones((steps, sources), bool)))
        keep = causal if keep is None else ops.logical_and(keep, causal)
    if keep is not None:
        lowest = -0.7 * float(np.finfo(np.float32).max)
        logits = ops.where(keep, logits, ops.full_like(logits, lowest))
    probabilities = ops.softmax(logits, axis=-1)
    attended = ops.einsum("bnts,bsnh->btnh", probabilities, value)
    return ops.squeeze(attended, 0) if unbatched else attended


@derived("nn", "inputs (N, *spatial, C), a depthwise kernel (*spatial, C, multiplier), a pointwise kernel "
               "(1, ..., C * multiplier, out) and conv arguments")
def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    """A depthwise convolution followed by a 1x1 convolution mixing the channels."""
    data_format = _data_format(data_format)
    depthwise = ops.depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return ops.conv(depthwise, pointwise_kernel, 1, "valid", data_format)


def _block_layout(x: Any, block_size: Any, data_format: str, what: str) -> tuple[int, bool, tuple[int, ...]]:
    """(block size, whether channels come last, (N, H, W, C)) of a pixel-shuffle input."""
    if not isinstance(block_size, numbers.Integral) or block_size < 2:
        raise ValueError(f"block_size must be an int >= 2; received {block_size!r}.")
    if _rank(x) != 4:
        raise ValueError(f"{what} needs a 4-D tensor; received shape {ops.shape(x)}.")
    channels_last = check_format(data_format) == "channels_last"
    shape = ops.shape(x)
    n, h, w, c = shape if channels_last else (shape[0], shape[2], shape[3], shape[1])
    return int(block_size), channels_last, (n, h, w, c)


@derived("nn", "a 4-D tensor whose channels are divisible by block_size ** 2, block_size >= 2")
def depth_to_space(x, block_size, data_format="channels_last"):
    """Pixel shuffle: (N, H, W, C) to (N, H * b, W * b, C / b^2), channel blocks row-major (as TF)."""
    block, channels_last, (n, h, w, c) = _block_layout(x, block_size, data_format, "depth_to_space")
    if c % (block * block):
        raise ValueError(f"depth_to_space: {c} channels are not divisible by block_size ** 2 = {block * block}.")
    depth = c // (block * block)
    if channels_last:
        blocks = ops.transpose(ops.reshape(x, (n, h, w, block, block, depth)), (0, 1, 3, 2, 4, 5))
        return ops.reshape(blocks, (n, h * block, w * block, depth))
    blocks = ops.transpose(ops.reshape(x, (n, depth, block, block, h, w)), (0, 1, 4, 2, 5, 3))
    return ops.reshape(blocks, (n, depth, h * block, w * block))


@derived("nn", "a 4-D tensor whose height and width are divisible by block_size >= 2")
def space_to_depth(x, block_size, data_format="channels_last"):
    """The inverse of ``depth_to_space``: (N, H, W, C) to (N, H / b, W / b, C * b^2)."""
    block, channels_last, (n, h, w, c) = _block_layout(x, block_size, data_format, "space_to_depth")
    if h % block or w % block:
        raise ValueError(f"space_to_depth: height {h} and width {w} must be divisible by block_size {block}.")
    if channels_last:
        blocks = ops.transpose(ops.reshape(x, (n, h // block, block, w // block, block, c)), (0, 1, 3, 2, 4, 5))
        return ops.reshape(blocks, (n, h // block, w // block, c * block * block))
    blocks = ops.transpose(ops.reshape(x, (n, c, h // block, block, w // block, block)), (0, 1, 3, 5, 2, 4))
    return ops.reshape(blocks, (n, c * block * block, h // block, w // block))


def _patch_kernel(channels: int, kernel: tuple[int, int], like: Any) -> Any:
    """A (kH, kW, C, C * kH * kW) one-hot kernel: output channel (c, i, j) copies input c at (i, j)."""
    size = channels * kernel[0] * kernel[1]
    identity = np.eye(size, dtype=np.float32).reshape(channels, kernel[0], kernel[1], size)
    return ops.convert_to_tensor(identity.transpose(1, 2, 0, 3), ops.dtype(like))


def _non_negative_pair(value: Any, what: str) -> tuple[int, int]:
    items = (value, value) if isinstance(value, numbers.Integral) else tuple(value)
    if len(items) != 2 or not all(isinstance(item, numbers.Integral) and item >= 0 for item in items):
        raise ValueError(f"{what} must be a non-negative int or two of them; received {value!r}.")
    return int(items[0]), int(items[1])


@derived("nn", "x (N, C, H, W) channels-first, kernel_size/dilation/stride positive and padding "
               "non-negative (ints or pairs)")
def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding blocks (im2col, as ``torch.nn.functional.unfold``): shape (N, C * kH * kW, L), the
    channel axis ordered (c, i, j), L the blocks row-major."""
    if _rank(x) != 4:
        raise ValueError(f"unfold needs x of shape (N, C, H, W); received {ops.shape(x)}.")
    kernel = per_axis(kernel_size, 2, "kernel_size")
    pad = _non_negative_pair(padding, "padding")
    padded = ops.pad(x, [(0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])])
    blocks = ops.conv(padded, _patch_kernel(ops.shape(x)[1], kernel, x), per_axis(stride, 2, "stride"), "valid",
                      "channels_first", per_axis(dilation, 2, "dilation"))
    n, size, rows, columns = ops.shape(blocks)
    return ops.reshape(blocks, (n, size, rows * columns))


@derived("nn", "x (N, C * kH * kW, L) as ``unfold`` gives for output_size, and the same block arguments")
def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """The adjoint of ``unfold`` (col2im): blocks summed back into (N, C, oH, oW), overlaps added."""
    if _rank(x) != 3:
        raise ValueError(f"fold needs x of shape (N, C * kH * kW, L); received {ops.shape(x)}.")
    height, width = per_axis(output_size, 2, "output_size")
    kernel = per_axis(kernel_size, 2, "kernel_size")
    dilations, strides = per_axis(dilation, 2, "dilation"), per_axis(stride, 2, "stride")
    pad = _non_negative_pair(padding, "padding")
    n, size, count = ops.shape(x)
    if size % (kernel[0] * kernel[1]):
        raise ValueError(f"fold: {size} rows are not a multiple of the kernel's {kernel[0] * kernel[1]} positions.")
    rows, columns = ((extent + 2 * p - d * (k - 1) - 1) // s + 1
                     for extent, p, d, k, s in zip((height, width), pad, dilations, kernel, strides))
    if rows * columns != count:
        raise ValueError(f"fold: output_size {(height, width)} with these block arguments has {rows * columns} "
                         f"blocks; x has {count}.")
    channels = size // (kernel[0] * kernel[1])
    blocks = ops.reshape(x, (n, size, rows, columns))
    padded_size = tuple(extent + 2 * p for extent, p in zip((height, width), pad))
    # output_padding makes the transposed convolution reach the padded size exactly.
    extra = tuple(full - ((blocks_along - 1) * s + d * (k - 1) + 1)
                  for full, blocks_along, s, d, k in zip(padded_size, (rows, columns), strides, dilations, kernel))
    # conv_transpose takes conv's kernel (*spatial, C, C * kH * kW) and is its adjoint.
    output = ops.conv_transpose(blocks, _patch_kernel(channels, kernel, x), strides, "valid", extra,
                                "channels_first", dilations)
    return ops.slice(output, (0, 0, pad[0], pad[1]), (n, channels, height, width))


def _adaptive_windows(size: int, target: int) -> list[tuple[int, int]]:
    """PyTorch's (and Keras's) windows: [floor(i * size / target), ceil((i + 1) * size / target))."""
    return [((i * size) // target, -((-(i + 1) * size) // target)) for i in range(target)]


def _adaptive_pool(inputs: Any, output_size: Any, data_format: Any, reduce: str) -> Any:
    rank = _rank(inputs) - 2
    if rank not in (1, 2, 3):
        raise ValueError(f"adaptive pooling needs inputs of ndim 3-5 (N, *spatial, C); received shape "
                         f"{ops.shape(inputs)}.")
    channels_last = _data_format(data_format) == "channels_last"
    targets = per_axis(output_size, rank, "output_size")
    x = floating(inputs) if reduce == "mean" else inputs
    for position, target in enumerate(targets):
        axis = position + (1 if channels_last else 2)
        windows = _adaptive_windows(ops.shape(x)[axis], target)
        if reduce == "mean":
            weights = np.zeros((ops.shape(x)[axis], target), np.float32)
            for index, (start, end) in enumerate(windows):
                weights[start:end, index] = 1 / (end - start)
            moved = ops.moveaxis(x, axis, -1)
            x = ops.moveaxis(ops.matmul(moved, ops.convert_to_tensor(weights, ops.dtype(x))), -1, axis)
        else:
            widest = max(end - start for start, end in windows)
            # Each window's indices, the last one repeated to a common width (max ignores repeats).
            indices = np.array([[min(start + k, end - 1) for k in range(widest)] for start, end in windows], np.int32)
            gathered = ops.take(x, ops.convert_to_tensor(indices.reshape(-1)), axis=axis)
            shape = ops.shape(x)[:axis] + (target, widest) + ops.shape(x)[axis + 1:]
            x = ops.max(ops.reshape(gathered, shape), axis=axis + 1)
    return x


@derived("nn", "inputs of ndim 3-5 and output_size a positive int or one per spatial axis")
def adaptive_average_pool(inputs, output_size, data_format=None):
    """Mean over PyTorch-style adaptive windows giving exactly ``output_size`` outputs per axis."""
    return _adaptive_pool(inputs, output_size, data_format, "mean")


@derived("nn", "inputs of ndim 3-5 and output_size a positive int or one per spatial axis")
def adaptive_max_pool(inputs, output_size, data_format=None):
    """Maximum over PyTorch-style adaptive windows giving exactly ``output_size`` outputs per axis."""
    return _adaptive_pool(inputs, output_size, data_format, "max")


IMPOSSIBLE = -1e30
"""Log-probability of an impossible CTC path: finite, so logsumexp and its gradient stay NaN-free."""


def _shifted(alpha: Any, by: int) -> Any:
    batch, states = ops.shape(alpha)
    filler = ops.full((batch, by), IMPOSSIBLE, ops.dtype(alpha))
    return ops.concatenate([filler, ops.slice(alpha, (0, 0), (batch, states - by))], axis=1)


def _ctc_step(time: Any, carry: tuple[Any, ...]) -> tuple[Any, ...]:
    alpha, emissions, may_skip, output_length = carry
    skipped = ops.where(may_skip, _shifted(alpha, 2), ops.full_like(alpha, IMPOSSIBLE))
    paths = ops.stack([alpha, _shifted(alpha, 1), skipped])
    advanced = ops.add(ops.logsumexp(paths, axis=0), ops.take(emissions, time, axis=1))
    running = ops.expand_dims(ops.less(time, output_length), 1)
    return ops.where(running, advanced, alpha), emissions, may_skip, output_length


@derived("nn", "target (B, L) int labels, output (B, T, C) logits, target_length and output_length (B,) ints "
               "with target_length <= L and 1 <= output_length <= T, and mask_index the blank class")
def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """Per-sample CTC negative log-likelihood of ``target[:target_length]`` under the log-softmax of
    the first ``output_length`` frames of ``output`` (the forward recursion of Graves et al. 2006)."""
    output = floating(output)
    if _rank(target) != 2 or _rank(output) != 3:
        raise ValueError(f"ctc_loss needs target (B, L) and output (B, T, C); received {ops.shape(target)} and "
                         f"{ops.shape(output)}.")
    labels = ops.cast(target, "int32")
    batch, max_length = ops.shape(labels)
    frames = ops.shape(output)[1]
    blank = ops.full((batch, max_length), mask_index, "int32")
    states = 2 * max_length + 1
    extended = ops.concatenate([ops.reshape(ops.stack([blank, labels], axis=-1), (batch, 2 * max_length)),
                                ops.full((batch, 1), mask_index, "int32")], axis=1)
    log_probabilities = ops.log_softmax(output, axis=-1)
    emissions = ops.take_along_axis(
        log_probabilities, ops.broadcast_to(ops.expand_dims(extended, 1), (batch, frames, states)), axis=2)
    two_back = ops.concatenate([ops.full((batch, 2), -1, "int32"), ops.slice(extended, (0, 0), (batch, states - 2))],
                               axis=1)
    may_skip = ops.logical_and(ops.not_equal(extended, mask_index), ops.not_equal(extended, two_back))
    first = ops.take(emissions, 0, axis=1)
    starts = ops.convert_to_tensor(np.arange(states) < 2)
    alpha = ops.where(ops.expand_dims(starts, 0), first, ops.full_like(first, IMPOSSIBLE))
    lengths = ops.cast(output_length, "int32")
    alpha, _, _, _ = ops.fori_loop(1, frames, _ctc_step, (alpha, emissions, may_skip, lengths))
    last = ops.expand_dims(ops.multiply(ops.cast(target_length, "int32"), 2), 1)
    before_last = ops.where(ops.greater(last, 0),
                            ops.take_along_axis(alpha, ops.maximum(ops.subtract(last, 1), 0), axis=1),
                            ops.full(ops.shape(last), IMPOSSIBLE, ops.dtype(alpha)))
    ends = ops.concatenate([ops.take_along_axis(alpha, last, axis=1), before_last], axis=1)
    return ops.negative(ops.logsumexp(ends, axis=1))


@derived("nn", "inputs (B, T, C) scores, sequence_lengths (B,) ints <= T, strategy 'greedy'",
         differentiable=False)
def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1, merge_repeated=True,
               mask_index=0):
    """Best-path decoding as Keras: (decoded (1, B, T) int32 labels moved to the front and padded with
    -1, scores (B, 1) = minus the sum over frames of the chosen scores). Repeats merge before blanks
    are dropped when ``merge_repeated``."""
    if strategy != "greedy":
        raise ValueError(f"ctc_decode supports strategy='greedy'; received strategy={strategy!r} "
                         f"(beam search is not implemented).")
    inputs = floating(inputs)
    if _rank(inputs) != 3:
        raise ValueError(f"ctc_decode needs inputs (B, T, C); received {ops.shape(inputs)}.")
    batch, frames = ops.shape(inputs)[0], ops.shape(inputs)[1]
    beyond = ops.greater_equal(ops.expand_dims(ops.arange(frames), 0),
                               ops.expand_dims(ops.cast(sequence_lengths, "int32"), 1))
    labels = ops.where(beyond, mask_index, ops.cast(ops.argmax(inputs, axis=-1), "int32"))
    scores = ops.where(beyond, 0.0, ops.max(inputs, axis=-1))
    if merge_repeated:
        previous = ops.concatenate([ops.full((batch, 1), -1, "int32"),
                                    ops.slice(labels, (0, 0), (batch, frames - 1))], axis=1)
        labels = ops.where(ops.equal(labels, previous), mask_index, labels)
    dropped = ops.equal(labels, mask_index)
    labels = ops.where(dropped, -1, labels)
    order = ops.argsort(ops.where(dropped, frames, ops.expand_dims(ops.arange(frames), 0)), axis=-1)
    decoded = ops.take_along_axis(labels, order, axis=1)
    return ops.expand_dims(decoded, 0), ops.expand_dims(ops.negative(ops.sum(scores, axis=1)), 1)


@derived("nn", ACTIVATION)
def celu(x, alpha=1.0):
    """max(x, 0) + alpha * min(0, exp(x / alpha) - 1)."""
    x = floating(x)
    return ops.add(ops.relu(x), ops.multiply(alpha, ops.minimum(0.0, ops.expm1(ops.divide(x, alpha)))))


@derived("nn", ACTIVATION + " whose size along ``axis`` is even")
def glu(x, axis=-1):
    """Gated linear unit: a * sigmoid(b), a and b the two halves of x along ``axis``."""
    x = floating(x)
    size = ops.shape(x)[normalized_axis(axis, len(ops.shape(x)))]
    if size % 2:
        raise ValueError(f"glu splits axis {axis} in two halves; its size {size} is odd.")
    first, second = ops.split(x, 2, axis=axis)
    return ops.multiply(first, ops.sigmoid(second))


@derived("nn", ACTIVATION)
def hard_shrink(x, threshold=0.5):
    """x where |x| > threshold, else 0."""
    x = floating(x)
    return ops.where(ops.greater(ops.abs(x), threshold), x, ops.zeros_like(x))


@derived("nn", ACTIVATION)
def soft_shrink(x, threshold=0.5):
    """x - threshold above it, x + threshold below -threshold, else 0."""
    x = floating(x)
    return ops.where(ops.greater(x, threshold), ops.subtract(x, threshold),
                     ops.where(ops.less(x, -threshold), ops.add(x, threshold), ops.zeros_like(x)))


@derived("nn", ACTIVATION)
def hard_swish(x):
    """x * hard_sigmoid(x) (``hard_silu``)."""
    return ops.hard_silu(floating(x))


@derived("nn", ACTIVATION)
def swish(x):
    """x * sigmoid(x) (``silu``)."""
    return ops.silu(floating(x))


@derived("nn", "a tensor")
def hard_tanh(x):
    """x clipped to [-1, 1]."""
    return ops.clip(x, -1, 1)


@derived("nn", ACTIVATION)
def tanh_shrink(x):
    """x - tanh(x)."""
    x = floating(x)
    return ops.subtract(x, ops.tanh(x))


@derived("nn", ACTIVATION)
def sparse_plus(x):
    """0 below -1, x above 1, (x + 1)**2 / 4 between: a smooth relu."""
    x = floating(x)
    middle = ops.multiply(ops.square(ops.add(x, 1)), 0.25)
    return ops.where(ops.less_equal(x, -1), ops.zeros_like(x), ops.where(ops.greater_equal(x, 1), x, middle))


@derived("nn", ACTIVATION)
def sparse_sigmoid(x):
    """0 below -1, 1 above 1, (x + 1) / 2 between."""
    x = floating(x)
    return ops.clip(ops.multiply(ops.add(x, 1), 0.5), 0.0, 1.0)


@derived("nn", ACTIVATION + " and b >= 0")
def squareplus(x, b=4):
    """(x + sqrt(x**2 + b)) / 2: a smooth relu."""
    x = floating(x)
    return ops.multiply(ops.add(x, ops.sqrt(ops.add(ops.square(x), b))), 0.5)


@derived("nn", "a tensor, a threshold and a default value")
def threshold(x, threshold, default_value):
    """x where x > threshold, else ``default_value``."""
    x = tensor(x)
    return ops.where(ops.greater(x, threshold), x, ops.full_like(x, default_value))


@derived("nn", ACTIVATION + " and an axis within range")
def sparsemax(x, axis=-1):
    """The Euclidean projection of x onto the probability simplex along ``axis`` (Martins and
    Astudillo, 2016): like softmax it sums to 1, unlike it most entries are exactly 0."""
    x = floating(x)
    rank = len(ops.shape(x))
    axis = normalized_axis(axis, rank)
    descending = ops.flip(ops.sort(x, axis=axis), axis)
    totals = ops.cumsum(descending, axis=axis)
    shape = [1] * rank
    shape[axis] = -1
    ranks = ops.reshape(ops.arange(1, ops.shape(x)[axis] + 1, dtype=ops.dtype(x)), shape)
    support = ops.greater(ops.add(1.0, ops.multiply(ranks, descending)), totals)
    size = ops.sum(ops.cast(support, ops.dtype(x)), axis=axis, keepdims=True)
    index = ops.cast(ops.subtract(size, 1), "int32")
    tau = ops.divide(ops.subtract(ops.take_along_axis(totals, index, axis=axis), 1.0), size)
    return ops.maximum(ops.subtract(x, tau), 0.0)


@derived("nn", "a float tensor, an axis (or tuple), an int order >= 1 and epsilon > 0 or None")
def normalize(x, axis=-1, order=2, epsilon=None):
    """x divided by its ``order``-norm along ``axis`` (at least ``epsilon``, default 1e-7)."""
    if not isinstance(order, int) or order < 1:
        raise ValueError(f"order must be an int >= 1; received order={order!r}.")
    x = floating(x)
    if not ops.shape(x):
        x = ops.expand_dims(x, 0)
    epsilon = EPSILON if epsilon is None else epsilon
    if order == 2:
        inverse = ops.rsqrt(ops.sum(ops.square(x), axis=axis, keepdims=True))
        return ops.multiply(x, ops.minimum(inverse, 1.0 / epsilon))
    norms = ops.power(ops.sum(ops.power(ops.abs(x), order), axis=axis, keepdims=True), 1.0 / order)
    return ops.divide(x, ops.maximum(norms, epsilon))


@derived("nn", "a float tensor, a scale broadcastable to it or None, an axis and epsilon or None")
def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """x / sqrt(mean(x**2 over ``axis``) + epsilon), times ``scale`` (Zhang and Sennrich, 2019)."""
    x = floating(x)
    if not ops.shape(x):
        x = ops.expand_dims(x, 0)
    epsilon = EPSILON if epsilon is None else epsilon
    outputs = ops.multiply(x, ops.rsqrt(ops.add(ops.mean(ops.square(x), axis=axis, keepdims=True), epsilon)))
    return outputs if scale is None else ops.multiply(outputs, ops.cast(tensor(scale), ops.dtype(x)))


def _along_axes(value, x, axes):
    """A per-feature vector reshaped to broadcast against x over ``axes``."""
    value = ops.cast(tensor(value), ops.dtype(x))
    rank = len(ops.shape(x))
    if len(ops.shape(value)) == rank or list(axes) == [rank - 1]:
        return value
    shape = [ops.shape(x)[dim] if dim in axes else 1 for dim in range(rank)]
    return ops.reshape(value, shape)


@derived("nn", "a float tensor, gamma/beta of the normalized axes' shape or None, axis and epsilon")
def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    """(x - mean) / sqrt(var + epsilon) * gamma + beta, the statistics over ``axis``."""
    x = floating(x)
    epsilon = EPSILON if epsilon is None else epsilon
    rank = len(ops.shape(x))
    axes = [normalized_axis(one, rank) for one in (axis if isinstance(axis, (list, tuple)) else [axis])]
    mean, variance = ops.moments(x, axes, keepdims=True)
    outputs = ops.multiply(ops.subtract(x, mean), ops.rsqrt(ops.add(variance, epsilon)))
    if gamma is not None:
        outputs = ops.multiply(outputs, _along_axes(gamma, x, axes))
    if beta is not None:
        outputs = ops.add(outputs, _along_axes(beta, x, axes))
    return outputs


@derived("nn", "a float tensor, 1-D mean/variance/offset/scale of the size of ``axis``, epsilon")
def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=0.001):
    """(x - mean) / sqrt(variance + epsilon) * scale + offset, the vectors laid along ``axis``."""
    x = floating(x)
    axes = [normalized_axis(axis, len(ops.shape(x)))]
    inverse = ops.rsqrt(ops.add(_along_axes(variance, x, axes), epsilon))
    if scale is not None:
        inverse = ops.multiply(inverse, _along_axes(scale, x, axes))
    outputs = ops.multiply(ops.subtract(x, _along_axes(mean, x, axes)), inverse)
    return outputs if offset is None else ops.add(outputs, _along_axes(offset, x, axes))


@derived("nn", "integer labels (a batch of label lists, or one list), num_classes >= 1", differentiable=False)
def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """1 for each class that occurs among a sample's labels, else 0 (Keras's MultiHot)."""
    if num_classes is None:
        raise ValueError("multi_hot needs num_classes; received num_classes=None.")
    if sparse:
        raise ValueError("multi_hot(sparse=True): sparse tensors are not supported; received sparse=True.")
    inputs = ops.cast(tensor(inputs), "int32")
    encoded = ops.one_hot(inputs, num_classes, axis=axis, dtype=dtype or "float32")
    return ops.max(encoded, axis=1 if len(ops.shape(inputs)) > 1 else 0)


@derived("nn", "int targets (batch,), predictions (batch, classes) and k >= 1", differentiable=False)
def in_top_k(targets, predictions, k):
    """Whether each target's prediction is among the k largest of its row (ties count as in)."""
    predictions = tensor(predictions)
    targets = ops.expand_dims(ops.cast(tensor(targets), "int32"), -1)
    kth_largest = ops.min(ops.top_k(predictions, k)[0], axis=-1, keepdims=True)
    target_scores = ops.take_along_axis(predictions, targets, axis=-1)
    return ops.squeeze(ops.greater_equal(target_scores, kth_largest), -1)


@derived("nn", "two float tensors of one shape and max_val > 0")
def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio in dB: 20 log10(max_val) - 10 log10(mean((x1 - x2)**2))."""
    x1, x2 = floating(x1), floating(x2)
    if ops.shape(x1) != ops.shape(x2):
        raise ValueError(f"psnr needs inputs of one shape; received {ops.shape(x1)} and {ops.shape(x2)}.")
    error = ops.mean(ops.square(ops.subtract(x1, x2)))
    peak = ops.log10(ops.convert_to_tensor(float(max_val), ops.dtype(x2)))
    return ops.subtract(ops.multiply(20.0, peak), ops.multiply(10.0, ops.log10(error)))


def _same_shapes(name, target, output):
    if ops.shape(target) != ops.shape(output):
        raise ValueError(f"{name} needs target and output of one shape; received {ops.shape(target)} "
                         f"and {ops.shape(output)}.")


@derived("nn", "target and output of one shape; output probabilities, or logits with from_logits")
def binary_crossentropy(target, output, from_logits=False):
    """Elementwise -(t log p + (1 - t) log(1 - p)), p clipped to [1e-7, 1 - 1e-7] (sigmoid of logits)."""
    target, output = floating(target), floating(output)
    _same_shapes("binary_crossentropy", target, output)
    if from_logits:
        return ops.negative(ops.add(ops.multiply(target, ops.log_sigmoid(output)),
                                    ops.multiply(ops.subtract(1.0, target), ops.log_sigmoid(ops.negative(output)))))
    output = ops.clip(output, EPSILON, 1.0 - EPSILON)
    return ops.negative(ops.add(ops.multiply(target, ops.log(output)),
                                ops.multiply(ops.subtract(1.0, target), ops.log(ops.subtract(1.0, output)))))


def _log_probabilities(output, from_logits, axis):
    if from_logits:
        return ops.log_softmax(output, axis=axis)
    output = ops.divide(output, ops.sum(output, axis=axis, keepdims=True))
    return ops.log(ops.clip(output, EPSILON, 1.0 - EPSILON))


@derived("nn", "target and output of one shape (rank >= 1), a class axis")
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """-sum(t log p) over ``axis``, p the output renormalized and clipped (softmax of logits)."""
    target, output = floating(target), floating(output)
    _same_shapes("categorical_crossentropy", target, output)
    if not ops.shape(output):
        raise ValueError("categorical_crossentropy needs tensors of rank >= 1; received scalars.")
    return ops.negative(ops.sum(ops.multiply(target, _log_probabilities(output, from_logits, axis)), axis=axis))


@derived("nn", "int targets shaped like output without its class axis (or with a trailing 1), output")
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """``categorical_crossentropy`` of the one-hot target."""
    output = floating(output)
    target = ops.cast(tensor(target), "int32")
    if len(ops.shape(target)) == len(ops.shape(output)) and ops.shape(target)[-1] == 1:
        target = ops.squeeze(target, -1)
    if tuple(ops.shape(target)) != tuple(ops.shape(output)[:-1]):
        raise ValueError(f"sparse_categorical_crossentropy needs target of shape output.shape[:-1]; received "
                         f"{ops.shape(target)} and {ops.shape(output)}.")
    classes = ops.shape(output)[normalized_axis(axis, len(ops.shape(output)))]
    one_hot = ops.one_hot(target, classes, axis=axis, dtype=ops.dtype(output))
    return ops.negative(ops.sum(ops.multiply(one_hot, _log_probabilities(output, from_logits, axis)), axis=axis))
