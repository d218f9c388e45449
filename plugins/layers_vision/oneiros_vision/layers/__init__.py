"""The vision plugin's layers: convolution, pooling, resampling, preprocessing and augmentation.

Importable directly (``from oneiros_vision.layers import Conv2D``) and, once the plugin is
installed, through the core's registry (``oi.layers.Conv2D``, ``oi.layers.get("vision>Conv2D")``).
"""

from oneiros_vision.layers.adaptive_average_pooling1d import AdaptiveAveragePooling1D
from oneiros_vision.layers.adaptive_average_pooling2d import AdaptiveAveragePooling2D
from oneiros_vision.layers.adaptive_average_pooling3d import AdaptiveAveragePooling3D
from oneiros_vision.layers.adaptive_max_pooling1d import AdaptiveMaxPooling1D
from oneiros_vision.layers.adaptive_max_pooling2d import AdaptiveMaxPooling2D
from oneiros_vision.layers.adaptive_max_pooling3d import AdaptiveMaxPooling3D
from oneiros_vision.layers.aug_mix import AugMix
from oneiros_vision.layers.auto_contrast import AutoContrast
from oneiros_vision.layers.average_pooling1d import AveragePooling1D
from oneiros_vision.layers.average_pooling2d import AveragePooling2D
from oneiros_vision.layers.average_pooling3d import AveragePooling3D
from oneiros_vision.layers.center_crop import CenterCrop
from oneiros_vision.layers.clahe import ContrastLimitedAdaptiveHistogramEqualization
from oneiros_vision.layers.conv1d import Conv1D
from oneiros_vision.layers.conv1d_transpose import Conv1DTranspose
from oneiros_vision.layers.conv2d import Conv2D
from oneiros_vision.layers.conv2d_transpose import Conv2DTranspose
from oneiros_vision.layers.conv3d import Conv3D
from oneiros_vision.layers.conv3d_transpose import Conv3DTranspose
from oneiros_vision.layers.cropping1d import Cropping1D
from oneiros_vision.layers.cropping2d import Cropping2D
from oneiros_vision.layers.cropping3d import Cropping3D
from oneiros_vision.layers.cut_mix import CutMix
from oneiros_vision.layers.depthwise_conv1d import DepthwiseConv1D
from oneiros_vision.layers.depthwise_conv2d import DepthwiseConv2D
from oneiros_vision.layers.equalization import Equalization
from oneiros_vision.layers.global_average_pooling1d import GlobalAveragePooling1D
from oneiros_vision.layers.global_average_pooling2d import GlobalAveragePooling2D
from oneiros_vision.layers.global_average_pooling3d import GlobalAveragePooling3D
from oneiros_vision.layers.global_max_pooling1d import GlobalMaxPooling1D
from oneiros_vision.layers.global_max_pooling2d import GlobalMaxPooling2D
from oneiros_vision.layers.global_max_pooling3d import GlobalMaxPooling3D
from oneiros_vision.layers.max_num_bounding_boxes import MaxNumBoundingBoxes
from oneiros_vision.layers.max_pooling1d import MaxPooling1D
from oneiros_vision.layers.max_pooling2d import MaxPooling2D
from oneiros_vision.layers.max_pooling3d import MaxPooling3D
from oneiros_vision.layers.mix_up import MixUp
from oneiros_vision.layers.rand_augment import RandAugment
from oneiros_vision.layers.random_brightness import RandomBrightness
from oneiros_vision.layers.random_color_degeneration import RandomColorDegeneration
from oneiros_vision.layers.random_color_jitter import RandomColorJitter
from oneiros_vision.layers.random_contrast import RandomContrast
from oneiros_vision.layers.random_crop import RandomCrop
from oneiros_vision.layers.random_elastic_transform import RandomElasticTransform
from oneiros_vision.layers.random_erasing import RandomErasing
from oneiros_vision.layers.random_flip import RandomFlip
from oneiros_vision.layers.random_gaussian_blur import RandomGaussianBlur
from oneiros_vision.layers.random_grayscale import RandomGrayscale
from oneiros_vision.layers.random_hue import RandomHue
from oneiros_vision.layers.random_invert import RandomInvert
from oneiros_vision.layers.random_perspective import RandomPerspective
from oneiros_vision.layers.random_posterization import RandomPosterization
from oneiros_vision.layers.random_rotation import RandomRotation
from oneiros_vision.layers.random_saturation import RandomSaturation
from oneiros_vision.layers.random_sharpness import RandomSharpness
from oneiros_vision.layers.random_shear import RandomShear
from oneiros_vision.layers.random_translation import RandomTranslation
from oneiros_vision.layers.random_zoom import RandomZoom
from oneiros_vision.layers.rescaling import Rescaling
from oneiros_vision.layers.resizing import Resizing
from oneiros_vision.layers.separable_conv1d import SeparableConv1D
from oneiros_vision.layers.separable_conv2d import SeparableConv2D
from oneiros_vision.layers.solarization import Solarization
from oneiros_vision.layers.up_sampling1d import UpSampling1D
from oneiros_vision.layers.up_sampling2d import UpSampling2D
from oneiros_vision.layers.up_sampling3d import UpSampling3D
from oneiros_vision.layers.zero_padding1d import ZeroPadding1D
from oneiros_vision.layers.zero_padding2d import ZeroPadding2D
from oneiros_vision.layers.zero_padding3d import ZeroPadding3D

__all__ = [
    "AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D", "AdaptiveAveragePooling3D", "AdaptiveMaxPooling1D",
    "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D", "AugMix", "AutoContrast", "AveragePooling1D",
    "AveragePooling2D", "AveragePooling3D", "CenterCrop", "ContrastLimitedAdaptiveHistogramEqualization", "Conv1D",
    "Conv1DTranspose", "Conv2D", "Conv2DTranspose", "Conv3D", "Conv3DTranspose", "Cropping1D", "Cropping2D",
    "Cropping3D", "CutMix", "DepthwiseConv1D", "DepthwiseConv2D", "Equalization", "GlobalAveragePooling1D",
    "GlobalAveragePooling2D", "GlobalAveragePooling3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
    "GlobalMaxPooling3D", "MaxNumBoundingBoxes", "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "MixUp",
    "RandAugment", "RandomBrightness", "RandomColorDegeneration", "RandomColorJitter", "RandomContrast",
    "RandomCrop", "RandomElasticTransform", "RandomErasing", "RandomFlip", "RandomGaussianBlur", "RandomGrayscale",
    "RandomHue", "RandomInvert", "RandomPerspective", "RandomPosterization", "RandomRotation", "RandomSaturation",
    "RandomSharpness", "RandomShear", "RandomTranslation", "RandomZoom", "Rescaling", "Resizing", "SeparableConv1D",
    "SeparableConv2D", "Solarization", "UpSampling1D", "UpSampling2D", "UpSampling3D", "ZeroPadding1D",
    "ZeroPadding2D", "ZeroPadding3D",
]
