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

__all__ = [
    "AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "CenterCrop", "Conv1D", "Conv1DTranspose", "Conv2D",
    "Conv2DTranspose", "Conv3D", "Conv3DTranspose", "Cropping1D", "Cropping2D", "Cropping3D", "DepthwiseConv1D",
    "DepthwiseConv2D", "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D",
    "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D", "MaxPooling1D", "MaxPooling2D",
    "MaxPooling3D", "RandomBrightness", "RandomContrast", "RandomCrop", "RandomFlip", "RandomRotation",
    "RandomTranslation", "RandomZoom", "Rescaling", "Resizing", "SeparableConv1D", "SeparableConv2D",
    "UpSampling1D", "UpSampling2D", "UpSampling3D", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D",
]
