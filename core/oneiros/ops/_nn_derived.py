"""Neural-network ops that are compositions: more activations, normalizations, the loss ops,
multi-hot encoding, in-top-k and PSNR, derived from ``oneiros.ops`` with Keras's semantics."""

from __future__ import annotations

from oneiros import ops
from oneiros.ops._contract import derived
from oneiros.ops._derive import floating, normalized_axis, tensor

ACTIVATION = "a float tensor"
EPSILON = 1e-7
"""Keras's ``backend.epsilon()``: the default floor of the normalizations and losses."""


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
