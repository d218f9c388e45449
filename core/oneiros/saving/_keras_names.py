"""Keras's names for the objects Oneiros registers: which Keras module a kind lives in, and which
layer classes Keras 3 itself has.

Oneiros maps by class name: a registered plain name *is* the Keras ``class_name`` it answers to
(the core and the vision/text plugins register under Keras's class names, and a plugin whose
class is called differently registers an alias under Keras's name with the existing
``register(obj, name=...)``), so no second naming scheme is needed.
"""

from __future__ import annotations

KERAS_PACKAGE = "keras"
KERAS_MODULES = {
    "layers": "keras.layers",
    "losses": "keras.losses",
    "metrics": "keras.metrics",
    "optimizers": "keras.optimizers",
    "initializers": "keras.initializers",
    "regularizers": "keras.regularizers",
    "constraints": "keras.constraints",
}
MODEL_MODULES = {"Sequential": "keras", "Functional": "keras.src.models.functional", "Model": "keras"}
DTYPE_POLICIES = frozenset({"DTypePolicy", "FloatDTypePolicy", "DTypePolicyMap"})
TENSOR_CLASS = "__keras_tensor__"
FUNCTION_CLASS = "function"

KERAS_LAYERS = frozenset("""
Activation ActivityRegularization AdaptiveAveragePooling1D AdaptiveAveragePooling2D AdaptiveAveragePooling3D
AdaptiveMaxPooling1D AdaptiveMaxPooling2D AdaptiveMaxPooling3D Add AdditiveAttention AlphaDropout Attention
AugMix AutoContrast Average AveragePooling1D AveragePooling2D AveragePooling3D AvgPool1D AvgPool2D AvgPool3D
BatchNormalization Bidirectional CategoryEncoding CenterCrop Concatenate Conv1D Conv1DTranspose Conv2D
Conv2DTranspose Conv3D Conv3DTranspose ConvLSTM1D ConvLSTM2D ConvLSTM3D Convolution1D Convolution1DTranspose
Convolution2D Convolution2DTranspose Convolution3D Convolution3DTranspose Cropping1D Cropping2D Cropping3D
CutMix Dense DepthwiseConv1D DepthwiseConv2D Discretization Dot Dropout ELU EinsumDense Embedding Equalization
Flatten GRU GRUCell GaussianDropout GaussianNoise GlobalAveragePooling1D GlobalAveragePooling2D
GlobalAveragePooling3D GlobalAvgPool1D GlobalAvgPool2D GlobalAvgPool3D GlobalMaxPool1D GlobalMaxPool2D
GlobalMaxPool3D GlobalMaxPooling1D GlobalMaxPooling2D GlobalMaxPooling3D GroupNormalization GroupQueryAttention
HashedCrossing Hashing Identity InputLayer IntegerLookup LSTM LSTMCell Lambda LayerNormalization LeakyReLU
Masking MaxPool1D MaxPool2D MaxPool3D MaxPooling1D MaxPooling2D MaxPooling3D Maximum MelSpectrogram Minimum
MixUp MultiHeadAttention Multiply Normalization PReLU Permute Pipeline RMSNormalization RNN RandAugment
RandomBrightness RandomColorDegeneration RandomColorJitter RandomContrast RandomCrop RandomElasticTransform
RandomErasing RandomFlip RandomGaussianBlur RandomGrayscale RandomHue RandomInvert RandomPerspective
RandomPosterization RandomRotation RandomSaturation RandomSharpness RandomShear RandomTranslation RandomZoom
ReLU RepeatVector Rescaling Reshape Resizing ReversibleEmbedding STFTSpectrogram SeparableConv1D
SeparableConv2D SeparableConvolution1D SeparableConvolution2D SimpleRNN SimpleRNNCell Softmax Solarization
SpatialDropout1D SpatialDropout2D SpatialDropout3D SpectralNormalization StackedRNNCells StringLookup
Subtract TextVectorization TimeDistributed UnitNormalization UpSampling1D UpSampling2D UpSampling3D
ZeroPadding1D ZeroPadding2D ZeroPadding3D
""".split())
"""The layer classes of ``keras.layers`` in Keras 3.15 (what Keras can load by class name alone)."""

NESTED_KINDS = {"_initializer": "initializers", "_regularizer": "regularizers", "_constraint": "constraints"}
"""Config keys ending so hold an object of that kind (``kernel_initializer``...)."""


def is_keras_module(module: object) -> bool:
    return module is None or module == KERAS_PACKAGE or (isinstance(module, str)
                                                         and module.startswith(f"{KERAS_PACKAGE}."))


def kind_of_key(key: str) -> str | None:
    """The registry kind a layer-config key holds (``kernel_initializer`` -> initializers)."""
    for suffix, kind in NESTED_KINDS.items():
        if key.endswith(suffix):
            return kind
    return None
