"""Every common layer's default arguments and initial weights are Keras 3's: the same config
values (initializers included), and, once built, the same weights in the same order, with
constant ones (biases, LSTM's unit forget bias, GRU's reset_after bias pair, normalization
scales) equal and random ones from the same distribution as Keras's own."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from oneiros import layers

SIGNIFICANCE = 1e-4

# layer name: (positional arguments, input shape without the batch)
LAYERS = {
    "Dense": ((64,), (96,)),
    "Embedding": ((1000, 32), (7,)),
    "LSTM": ((32,), (5, 48)),
    "GRU": ((32,), (5, 48)),
    "SimpleRNN": ((32,), (5, 48)),
    "Conv1D": ((32, 5), (20, 24)),
    "Conv2D": ((32, 3), (9, 9, 16)),
    "Conv2DTranspose": ((16, 3), (9, 9, 32)),
    "DepthwiseConv2D": ((3,), (9, 9, 64)),
    "SeparableConv2D": ((32, 3), (9, 9, 16)),
    "BatchNormalization": ((), (12,)),
    "LayerNormalization": ((), (12,)),
}
CONFIG_ONLY = {
    "Dropout": (0.5,), "SpatialDropout1D": (0.3,), "MultiHeadAttention": (2, 8), "EinsumDense": ("ab,bc->ac", 4),
    "PReLU": (), "GroupNormalization": (), "Bidirectional": None, "LSTMCell": (8,), "GRUCell": (8,), "SimpleRNNCell": (8,),
    "TextVectorization": (), "Attention": (), "Flatten": (), "MaxPooling2D": (), "AveragePooling2D": (2,),
}
# Keras arguments Oneiros does not have; none of them changes what a default layer computes
# (ragged and sparse are TensorFlow tensor types; vocabulary_size is informational).
KERAS_ONLY = {"quantization_config", "renorm", "renorm_clipping", "renorm_momentum", "use_gate", "sliding_window",
              "ragged", "sparse", "vocabulary_size"}

UNCOMPARED = {"name", "dtype"}


def normalized(value):
    """A config value without serialization details: nested objects as (class, config), tuples
    as lists, generated names and dtype policies (serialized differently) left out."""
    if isinstance(value, dict):
        if "class_name" in value:
            return value["class_name"], normalized(value.get("config", {}))
        return {key: normalized(item) for key, item in value.items() if key not in UNCOMPARED}
    if isinstance(value, (list, tuple)):
        return [normalized(item) for item in value]
    return value


def make(namespace, name, arguments):
    if name == "Bidirectional":
        return namespace.layers.Bidirectional(namespace.layers.LSTM(8))
    return getattr(namespace.layers, name)(*arguments)


@pytest.mark.parametrize("name", [*LAYERS, *CONFIG_ONLY])
def test_default_arguments_are_keras_defaults(keras, name):
    arguments = LAYERS[name][0] if name in LAYERS else CONFIG_ONLY[name]
    import oneiros

    theirs = make(keras, name, arguments).get_config()
    ours = make(oneiros, name, arguments).get_config()
    missing = set(theirs) - set(ours) - KERAS_ONLY - {"name"}
    assert not missing, f"{name}: Keras arguments missing from ours: {sorted(missing)}"
    for key in sorted(set(theirs) & set(ours) - UNCOMPARED):
        assert normalized(ours[key]) == normalized(theirs[key]), (name, key)


def built_weights(namespace, name):
    arguments, shape = LAYERS[name]
    layer = getattr(namespace.layers, name)(*arguments)
    layer.build((None, *shape))
    return [np.asarray(weight, np.float64) for weight in layer.get_weights()]


@pytest.mark.parametrize("name", list(LAYERS))
def test_initial_weights_are_drawn_like_keras(keras, name):
    import oneiros

    theirs, ours = built_weights(keras, name), built_weights(oneiros, name)
    assert [weight.shape for weight in ours] == [weight.shape for weight in theirs], name
    for index, (mine, keras_weight) in enumerate(zip(ours, theirs)):
        if np.unique(keras_weight).size <= 2:
            np.testing.assert_array_equal(mine, keras_weight, err_msg=f"{name} weight {index}")
            continue
        result = stats.ks_2samp(mine.ravel(), keras_weight.ravel())
        assert result.pvalue > SIGNIFICANCE, (name, index, result)
        assert abs(mine.std() / keras_weight.std() - 1) < 8 / np.sqrt(mine.size), (name, index)


def test_lstm_forget_gate_bias_starts_at_one_and_gru_resets_after(keras):
    """Spelled out: the defaults that matter most for recurrent training."""
    import oneiros

    for namespace in (oneiros, keras):
        lstm = namespace.layers.LSTM(4)
        lstm.build((None, 3, 2))
        np.testing.assert_array_equal(np.asarray(lstm.get_weights()[2]), [0] * 4 + [1] * 4 + [0] * 8)
        assert namespace.layers.GRU(4).get_config()["reset_after"] is True
        embedding = namespace.layers.Embedding(50, 8)
        embedding.build((None, 3))
        assert np.abs(np.asarray(embedding.get_weights()[0])).max() <= 0.05
