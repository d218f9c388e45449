"""What the plugin registers, as lazy ``"module:Name"`` references: discovery imports none of it
(not even numpy); a class is imported when a registry lookup first asks for it.

Each reference names the module that defines the class, so a saved model finds its class's
registered name.
"""

LAYERS = [
    "conv1d:Conv1D", "conv2d:Conv2D", "conv3d:Conv3D",
    "conv1d_transpose:Conv1DTranspose", "conv2d_transpose:Conv2DTranspose", "conv3d_transpose:Conv3DTranspose",
    "depthwise_conv1d:DepthwiseConv1D", "depthwise_conv2d:DepthwiseConv2D",
    "separable_conv1d:SeparableConv1D", "separable_conv2d:SeparableConv2D",
    "max_pooling1d:MaxPooling1D", "max_pooling2d:MaxPooling2D", "max_pooling3d:MaxPooling3D",
    "average_pooling1d:AveragePooling1D", "average_pooling2d:AveragePooling2D", "average_pooling3d:AveragePooling3D",
    "global_max_pooling1d:GlobalMaxPooling1D", "global_max_pooling2d:GlobalMaxPooling2D",
    "global_max_pooling3d:GlobalMaxPooling3D",
    "global_average_pooling1d:GlobalAveragePooling1D", "global_average_pooling2d:GlobalAveragePooling2D",
    "global_average_pooling3d:GlobalAveragePooling3D",
    "up_sampling1d:UpSampling1D", "up_sampling2d:UpSampling2D", "up_sampling3d:UpSampling3D",
    "zero_padding1d:ZeroPadding1D", "zero_padding2d:ZeroPadding2D", "zero_padding3d:ZeroPadding3D",
    "cropping1d:Cropping1D", "cropping2d:Cropping2D", "cropping3d:Cropping3D",
    "rescaling:Rescaling", "resizing:Resizing", "center_crop:CenterCrop", "random_crop:RandomCrop",
    "random_flip:RandomFlip", "random_rotation:RandomRotation", "random_translation:RandomTranslation",
    "random_zoom:RandomZoom", "random_contrast:RandomContrast", "random_brightness:RandomBrightness",
    "adaptive_average_pooling1d:AdaptiveAveragePooling1D", "adaptive_average_pooling2d:AdaptiveAveragePooling2D",
    "adaptive_average_pooling3d:AdaptiveAveragePooling3D", "adaptive_max_pooling1d:AdaptiveMaxPooling1D",
    "adaptive_max_pooling2d:AdaptiveMaxPooling2D", "adaptive_max_pooling3d:AdaptiveMaxPooling3D",
    "auto_contrast:AutoContrast", "equalization:Equalization", "clahe:ContrastLimitedAdaptiveHistogramEqualization",
    "max_num_bounding_boxes:MaxNumBoundingBoxes", "solarization:Solarization", "random_invert:RandomInvert",
    "random_grayscale:RandomGrayscale", "random_posterization:RandomPosterization",
    "random_color_degeneration:RandomColorDegeneration", "random_saturation:RandomSaturation",
    "random_hue:RandomHue", "random_sharpness:RandomSharpness", "random_color_jitter:RandomColorJitter",
    "random_gaussian_blur:RandomGaussianBlur", "random_erasing:RandomErasing", "random_shear:RandomShear",
    "random_perspective:RandomPerspective", "random_elastic_transform:RandomElasticTransform",
    "mix_up:MixUp", "cut_mix:CutMix", "rand_augment:RandAugment", "aug_mix:AugMix",
]
"""``module:Class`` under ``oneiros_vision.layers``; each registered under the class's name."""

ALIASES = {
    "Convolution1D": "Conv1D", "Convolution2D": "Conv2D", "Convolution3D": "Conv3D",
    "Convolution1DTranspose": "Conv1DTranspose", "Convolution2DTranspose": "Conv2DTranspose",
    "Convolution3DTranspose": "Conv3DTranspose",
    "SeparableConvolution1D": "SeparableConv1D", "SeparableConvolution2D": "SeparableConv2D",
    "MaxPool1D": "MaxPooling1D", "MaxPool2D": "MaxPooling2D", "MaxPool3D": "MaxPooling3D",
    "AvgPool1D": "AveragePooling1D", "AvgPool2D": "AveragePooling2D", "AvgPool3D": "AveragePooling3D",
    "GlobalMaxPool1D": "GlobalMaxPooling1D", "GlobalMaxPool2D": "GlobalMaxPooling2D",
    "GlobalMaxPool3D": "GlobalMaxPooling3D",
    "GlobalAvgPool1D": "GlobalAveragePooling1D", "GlobalAvgPool2D": "GlobalAveragePooling2D",
    "GlobalAvgPool3D": "GlobalAveragePooling3D",
}
"""Keras's other names for the same classes; a saved model names the class by its own name."""

DATA_LOADERS = {
    "image_folder": "oneiros_vision.data.image_dataset:image_dataset_from_directory",
    "idx": "oneiros_vision.data.idx:load_idx",
    "mnist_idx": "oneiros_vision.datasets.mnist:load_split",
}
"""``oi.data.load(name, path, ...)``: a folder of class subfolders as a Dataset; one IDX file
as an array; (images, labels) of a folder of MNIST IDX files (``split="test"`` or "train")."""


def layer_references() -> dict[str, str]:
    """Registered layer name -> ``package.module:Class``, canonical names first."""
    references = {}
    for entry in LAYERS:
        module, _, name = entry.partition(":")
        references[name] = f"oneiros_vision.layers.{module}:{name}"
    return references
