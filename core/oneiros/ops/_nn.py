"""Neural-network ops: activations, softmax, one-hot, convolution, pooling, normalization.

Spatial ops take ``data_format`` "channels_last" (N, *spatial, C) or "channels_first"
(N, C, *spatial). Kernels are (*spatial, in_channels // groups, out_channels), as in Keras.
"""

from __future__ import annotations

import inspect

from oneiros.ops._contract import op

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
