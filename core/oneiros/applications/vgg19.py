"""VGG19 (Simonyan and Zisserman, "Very Deep Convolutional Networks for Large-Scale Image Recognition", 2014).

Example:
    >>> model = oi.applications.VGG19(weights=None, input_shape=(32, 32, 3), classes=10)
    >>> x = oi.applications.vgg19.preprocess_input(images)  # caffe: BGR, minus the ImageNet means
"""

from __future__ import annotations

import functools

from oneiros.applications import _base
from oneiros.applications.imagenet_utils import decode_predictions
from oneiros.applications.resnet import preprocess_input
from oneiros.applications.vgg16 import build_vgg

__all__ = ["VGG19", "decode_predictions", "preprocess_input"]

STAGES = ((64, 2), (128, 2), (256, 4), (512, 4), (512, 4))

WEIGHT_FILES = (
    _base.WeightFile("vgg19", "vgg19_weights_tf_dim_ordering_tf_kernels.h5", "cbe5617147190e668d6c5d5026f83318"),
    _base.WeightFile("vgg19", "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5", "253f8cb515780f3b799900260a226db6"),
)

VGG19 = _base.constructor("VGG19", functools.partial(build_vgg, stages=STAGES, weight_files=WEIGHT_FILES),
                          """VGG19: sixteen 3x3 convolutions and three dense layers; Keras's arguments.

    Example:
        >>> model = oi.applications.VGG19(weights=None, input_shape=(32, 32, 3), classes=10)
    """, {**_base.STANDARD, "name": "vgg19"})
