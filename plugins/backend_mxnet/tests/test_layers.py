"""Every core layer, and the vision and text layers, run on MXNet: ``check_layer`` compares their
outputs with the numpy reference and their autograd gradients with central differences."""

from __future__ import annotations

import oneiros as oi
import pytest
from oneiros import layers
from oneiros.testing import check_layer

SEQUENCE = (2, 3, 4)
PAIR = [(2, 3, 4), (2, 3, 4)]

CORE = [
    ("Dense", {"units": 3, "activation": "tanh"}, SEQUENCE),
    ("EinsumDense", {"equation": "abc,cde->abde", "output_shape": [None, 2, 3], "bias_axes": "de"}, SEQUENCE),
    ("Activation", {"activation": "gelu"}, SEQUENCE),
    ("Identity", {}, SEQUENCE),
    ("Masking", {"mask_value": 0.5}, SEQUENCE),
    ("ActivityRegularization", {"l1": 0.1, "l2": 0.2}, SEQUENCE),
    ("Dropout", {"rate": 0.5, "seed": 1}, SEQUENCE),
    ("SpatialDropout1D", {"rate": 0.5, "seed": 1}, SEQUENCE),
    ("SpatialDropout2D", {"rate": 0.5}, (2, 3, 2, 2)),
    ("SpatialDropout3D", {"rate": 0.5}, (2, 2, 2, 2, 3)),
    ("GaussianNoise", {"stddev": 0.1, "seed": 1}, SEQUENCE),
    ("GaussianDropout", {"rate": 0.2}, SEQUENCE),
    ("AlphaDropout", {"rate": 0.2}, SEQUENCE),
    ("Flatten", {}, SEQUENCE),
    ("Reshape", {"target_shape": [-1, 2]}, SEQUENCE),
    ("Permute", {"dims": [2, 1]}, SEQUENCE),
    ("RepeatVector", {"n": 2}, (2, 4)),
    ("UnitNormalization", {"axis": [1, 2]}, SEQUENCE),
    ("Add", {}, [(2, 3, 4), (2, 4)]),
    ("Subtract", {}, PAIR),
    ("Multiply", {}, [(2, 3, 4), (2, 3, 1)]),
    ("Average", {}, PAIR),
    ("Maximum", {}, PAIR),
    ("Minimum", {}, PAIR),
    ("Concatenate", {"axis": 1}, [(2, 3, 4), (2, 2, 4)]),
    ("Dot", {"axes": [2, 2], "normalize": True}, [(2, 3, 4), (2, 2, 4)]),
    ("BatchNormalization", {"momentum": 0.9}, SEQUENCE),
    ("LayerNormalization", {"axis": [1, 2]}, SEQUENCE),
    ("GroupNormalization", {"groups": 2}, SEQUENCE),
    ("RMSNormalization", {}, SEQUENCE),
]

IMAGES = (2, 6, 5, 3)
VISION = [
    ("Conv1D", {"filters": 4, "kernel_size": 3, "padding": "causal", "dilation_rate": 2}, (2, 7, 3)),
    ("Conv2D", {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same", "activation": "tanh"}, IMAGES),
    ("Conv2D", {"filters": 6, "kernel_size": 2, "groups": 3, "data_format": "channels_first"}, (2, 3, 5, 5)),
    ("Conv3D", {"filters": 2, "kernel_size": 2}, (2, 3, 4, 3, 2)),
    ("Conv1DTranspose", {"filters": 3, "kernel_size": 3, "strides": 2}, (2, 5, 2)),
    ("Conv2DTranspose", {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"}, IMAGES),
    ("Conv3DTranspose", {"filters": 2, "kernel_size": 2, "strides": 2}, (2, 2, 3, 2, 2)),
    ("DepthwiseConv1D", {"kernel_size": 3, "depth_multiplier": 2}, (2, 7, 3)),
    ("DepthwiseConv2D", {"kernel_size": 3, "padding": "same"}, IMAGES),
    ("SeparableConv1D", {"filters": 4, "kernel_size": 3}, (2, 7, 3)),
    ("SeparableConv2D", {"filters": 4, "kernel_size": 3, "depth_multiplier": 2}, IMAGES),
    ("MaxPooling1D", {"pool_size": 2, "padding": "same"}, (2, 7, 3)),
    ("MaxPooling2D", {"pool_size": 3, "strides": 2, "padding": "same"}, IMAGES),
    ("MaxPooling3D", {"pool_size": 2}, (2, 4, 4, 2, 3)),
    ("AveragePooling1D", {"pool_size": 3, "strides": 1}, (2, 7, 3)),
    ("AveragePooling2D", {"pool_size": 2, "padding": "same"}, IMAGES),
    ("AveragePooling3D", {"pool_size": 2}, (2, 4, 4, 2, 3)),
    ("GlobalAveragePooling2D", {}, IMAGES),
    ("GlobalMaxPooling1D", {"keepdims": True}, (2, 7, 3)),
    ("UpSampling2D", {"size": 2, "interpolation": "bilinear"}, IMAGES),
    ("ZeroPadding2D", {"padding": [[1, 0], [2, 1]]}, IMAGES),
    ("Cropping2D", {"cropping": [[1, 0], [1, 1]]}, IMAGES),
    ("Resizing", {"height": 4, "width": 7}, IMAGES),
    ("Rescaling", {"scale": 0.5, "offset": -1.0}, IMAGES),
    ("CenterCrop", {"height": 4, "width": 3}, IMAGES),
]

TEXT = [
    ("SimpleRNN", {"units": 3, "return_sequences": True}, SEQUENCE),
    ("GRU", {"units": 3}, SEQUENCE),
    ("LSTM", {"units": 3, "return_sequences": True, "go_backwards": True}, SEQUENCE),
    ("MultiHeadAttention", {"num_heads": 2, "key_dim": 3}, [(2, 3, 4), (2, 5, 4)]),
    ("Attention", {"use_scale": True}, [(2, 3, 4), (2, 5, 4)]),
    ("AdditiveAttention", {}, [(2, 3, 4), (2, 5, 4)]),
    ("TransformerEncoder", {"intermediate_dim": 6, "num_heads": 2}, SEQUENCE),
]


@pytest.fixture(autouse=True)
def _same_weights_in_any_order():
    """Initial weights independent of which tests ran before (finite differences near a relu
    kink depend on them)."""
    oi.set_random_seed(0)


def _ids(table):
    return [f"{name}-{index}" for index, (name, _, _) in enumerate(table)]


def _check(name, kwargs, shape):
    report = check_layer(layers.get(name), kwargs, input_shape=shape, backends=("numpy",), tolerance=1e-4)
    assert "mxnet" in report["backends"] and "numpy" in report["backends"]


@pytest.mark.parametrize("name, kwargs, shape", CORE, ids=_ids(CORE))
def test_core_layers(mxnet_backend, name, kwargs, shape):
    _check(name, kwargs, shape)


@pytest.mark.parametrize("name, kwargs, shape", VISION, ids=_ids(VISION))
def test_vision_layers(mxnet_backend, name, kwargs, shape):
    pytest.importorskip("oneiros_vision", reason="the oneiros-vision plugin is not installed in this environment")
    _check(name, kwargs, shape)


@pytest.mark.parametrize("name, kwargs, shape", TEXT, ids=_ids(TEXT))
def test_text_layers(mxnet_backend, name, kwargs, shape):
    pytest.importorskip("oneiros_text", reason="the oneiros-text plugin is not installed in this environment")
    _check(name, kwargs, shape)


def test_embedding_runs_on_integer_inputs(mxnet_backend):
    pytest.importorskip("oneiros_text", reason="the oneiros-text plugin is not installed in this environment")
    report = check_layer(layers.get("Embedding"), {"input_dim": 7, "output_dim": 3}, input_shape=(2, 4),
                         input_dtype="int32", backends=("numpy",))
    assert report["gradients"] == "checked"
