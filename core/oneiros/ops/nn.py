"""``oneiros.ops.nn``: the names of ``keras.ops.nn``, the very functions of ``oneiros.ops``.

Keras files its ops under sub-namespaces as well as at the top; code written either way runs.
"""

import oneiros.ops as _ops

KERAS_NAMES = (
    "adaptive_average_pool", "adaptive_max_pool", "average_pool", "batch_normalization",
    "binary_crossentropy", "categorical_crossentropy", "celu", "conv", "conv_transpose",
    "ctc_decode", "ctc_loss", "depth_to_space", "depthwise_conv", "dot_product_attention", "elu",
    "fold", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh",
    "layer_normalization", "leaky_relu", "log_sigmoid", "log_softmax", "max_pool", "moments",
    "multi_hot", "normalize", "one_hot", "polar", "psnr", "relu", "relu6", "rms_normalization",
    "selu", "separable_conv", "sigmoid", "silu", "soft_shrink", "softmax", "softplus", "softsign",
    "space_to_depth", "sparse_categorical_crossentropy", "sparse_plus", "sparse_sigmoid",
    "sparsemax", "squareplus", "swish", "tanh_shrink", "threshold", "unfold",
)
"""``keras.ops.nn`` of Keras 3.15; names ``oneiros.ops`` lacks are left out (the surface test lists them)."""

__all__ = [name for name in KERAS_NAMES if hasattr(_ops, name)]

globals().update({name: getattr(_ops, name) for name in __all__})
