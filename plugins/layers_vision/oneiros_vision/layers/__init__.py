"""The vision plugin's layers: convolution, pooling, resampling, preprocessing and augmentation.

Importable directly (``from oneiros_vision.layers import Conv2D``) and, once the plugin is
installed, through the core's registry (``oi.layers.Conv2D``, ``oi.layers.get("vision>Conv2D")``).
"""

from oneiros_vision.layers.average_pooling1d import AveragePooling1D
from oneiros_vision.layers.average_pooling2d import AveragePooling2D
from oneiros_vision.layers.average_pooling3d import AveragePooling3D
from oneiros_vision.layers.center_crop import CenterCrop
from oneiros_vision.layers.conv1d import Conv1D
from oneiros_vision.layers.conv1d_transpose import Conv1DTranspose
from oneiros_vision.layers.conv2d import Conv2D
from oneiros_vision.layers.conv2d_transpose import Conv2DTranspose
from oneiros_vision.layers.conv3d import Conv3D
from oneiros_vision.layers.conv3d_transpose import Conv3DTranspose
from oneiros_vision.layers.cropping1d import Cropping1D
from oneiros_vision.layers.cropping2d import Cropping2D
from oneiros_vision.layers.cropping3d import Cropping3D
from oneiros_vision.layers.depthwise_conv1d import DepthwiseConv1D
from oneiros_vision.layers.depthwise_conv2d import DepthwiseConv2D
from oneiros_vision.layers.global_average_pooling1d import GlobalAveragePooling1D
from oneiros_vision.layers.global_average_pooling2d import GlobalAveragePooling2D
from oneiros_vision.layers.global_average_pooling3d import GlobalAveragePooling3D
from oneiros_vision.layers.global_max_pooling1d import GlobalMaxPooling1D
from oneiros_vision.layers.global_max_pooling2d import GlobalMaxPooling2D
from oneiros_vision.layers.global_max_pooling3d import GlobalMaxPooling3D
from oneiros_vision.layers.max_pooling1d import MaxPooling1D
from oneiros_vision.layers.max_pooling2d import MaxPooling2D
from oneiros_vision.layers.max_pooling3d import MaxPooling3D
from oneiros_vision.layers.random_brightness import RandomBrightness
from oneiros_vision.layers.random_contrast import RandomContrast
from oneiros_vision.layers.random_crop import RandomCrop
from oneiros_vision.layers.random_flip import RandomFlip
from oneiros_vision.layers.random_rotation import RandomRotation
from oneiros_vision.layers.random_translation import RandomTranslation
from oneiros_vision.layers.random_zoom import RandomZoom
from oneiros_vision.layers.rescaling import Rescaling
from oneiros_vision.layers.resizing import Resizing
from oneiros_vision.layers.separable_conv1d import SeparableConv1D
from oneiros_vision.layers.separable_conv2d import SeparableConv2D
from oneiros_vision.layers.up_sampling1d import UpSampling1D
from oneiros_vision.layers.up_sampling2d import UpSampling2D
from oneiros_vision.layers.up_sampling3d import UpSampling3D
from oneiros_vision.layers.zero_padding1d import ZeroPadding1D
from oneiros_vision.layers.zero_padding2d import ZeroPadding2D
from oneiros_vision.layers.zero_padding3d import ZeroPadding3D

LAYERS = [
    Conv1D, Conv2D, Conv3D, Conv1DTranspose, Conv2DTranspose, Conv3DTranspose,
    DepthwiseConv1D, DepthwiseConv2D, SeparableConv1D, SeparableConv2D,
    MaxPooling1D, MaxPooling2D, MaxPooling3D, AveragePooling1D, AveragePooling2D, AveragePooling3D,
    GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D,
    GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalAveragePooling3D,
    UpSampling1D, UpSampling2D, UpSampling3D, ZeroPadding1D, ZeroPadding2D, ZeroPadding3D,
    Cropping1D, Cropping2D, Cropping3D,
    Rescaling, Resizing, CenterCrop, RandomCrop, RandomFlip, RandomRotation, RandomTranslation, RandomZoom,
    RandomContrast, RandomBrightness,
]
"""Every layer class, registered under its own name."""

ALIASES = {
    "Convolution1D": Conv1D, "Convolution2D": Conv2D, "Convolution3D": Conv3D,
    "Convolution1DTranspose": Conv1DTranspose, "Convolution2DTranspose": Conv2DTranspose,
    "Convolution3DTranspose": Conv3DTranspose,
    "SeparableConvolution1D": SeparableConv1D, "SeparableConvolution2D": SeparableConv2D,
    "MaxPool1D": MaxPooling1D, "MaxPool2D": MaxPooling2D, "MaxPool3D": MaxPooling3D,
    "AvgPool1D": AveragePooling1D, "AvgPool2D": AveragePooling2D, "AvgPool3D": AveragePooling3D,
    "GlobalMaxPool1D": GlobalMaxPooling1D, "GlobalMaxPool2D": GlobalMaxPooling2D,
    "GlobalMaxPool3D": GlobalMaxPooling3D,
    "GlobalAvgPool1D": GlobalAveragePooling1D, "GlobalAvgPool2D": GlobalAveragePooling2D,
    "GlobalAvgPool3D": GlobalAveragePooling3D,
}
"""Keras's alternative names; a model saves the class under its own name."""

__all__ = [cls.__name__ for cls in LAYERS]
