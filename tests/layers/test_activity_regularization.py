"""Every layer with ``activity_regularizer`` adds the same per-sample penalty, whatever the batch
size, applied once by ``Layer.__call__`` as in Keras (it used to be copied into each layer, and the
copies disagreed: Dense divided by the batch size, Conv2D did not).

Oracle: the L2 penalty of one sample's output, computed by hand from the layer's own output.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers, ops
from oneiros._plugins import host

RNG = np.random.default_rng(11)
SAMPLE_SHAPES = {
    "Dense": (5,), "EinsumDense": (5,), "Embedding": (4,), "GRU": (4, 3), "LSTM": (4, 3), "SimpleRNN": (4, 3),
    "Conv1D": (8, 3), "Conv1DTranspose": (8, 3), "Conv2D": (6, 6, 2), "Conv2DTranspose": (6, 6, 2),
    "Conv3D": (4, 4, 4, 1), "Conv3DTranspose": (4, 4, 4, 1), "DepthwiseConv1D": (8, 3),
    "DepthwiseConv2D": (6, 6, 2), "SeparableConv1D": (8, 3), "SeparableConv2D": (6, 6, 2),
    "ConvLSTM1D": (3, 6, 2), "ConvLSTM2D": (2, 4, 4, 1), "ConvLSTM3D": (2, 3, 3, 3, 1),
}
ARGUMENTS = {
    "Dense": {"units": 3}, "EinsumDense": {"equation": "ab,bc->ac", "output_shape": 3},
    "Embedding": {"input_dim": 10, "output_dim": 3}, "GRU": {"units": 2}, "LSTM": {"units": 2},
    "SimpleRNN": {"units": 2}, "DepthwiseConv1D": {"kernel_size": 3}, "DepthwiseConv2D": {"kernel_size": 3},
}


def layers_with_activity_regularizer() -> list[str]:
    names = set()
    for entry in host().registry("layers").entries():
        cls = entry.obj
        if isinstance(cls, type) and "activity_regularizer" in inspect.signature(cls.__init__).parameters:
            names.add(cls.__name__)
    # need a cell / two inputs: tested below (GroupedQueryAttention is a MultiHeadAttention)
    return sorted(names - {"RNN", "MultiHeadAttention", "GroupedQueryAttention"})


def test_the_table_covers_every_registered_layer():
    assert set(layers_with_activity_regularizer()) == set(SAMPLE_SHAPES)


def _penalty(layer, sample, batch):
    inputs = np.repeat(sample[None], batch, axis=0)
    outputs = layer(inputs)
    (penalty,) = layer.losses[:1]
    return float(ops.to_numpy(penalty)), ops.to_numpy(outputs)[0]


@pytest.mark.parametrize("name", sorted(SAMPLE_SHAPES))
def test_the_penalty_is_per_sample_at_batch_sizes_1_8_and_64(name):
    arguments = ARGUMENTS.get(name, {"filters": 2, "kernel_size": 3})
    layer = getattr(layers, name)(**arguments, activity_regularizer=oi.regularizers.L2(0.5))
    shape = SAMPLE_SHAPES[name]
    sample = RNG.integers(0, 10, size=shape) if name == "Embedding" else RNG.normal(size=shape).astype("float32")
    penalties = []
    for batch in (1, 8, 64):
        penalty, first_output = _penalty(layer, sample, batch)
        penalties.append(penalty)
    np.testing.assert_allclose(penalties, [0.5 * float(np.sum(first_output ** 2))] * 3, rtol=1e-4)


def test_multi_head_attention_and_rnn_wrapping_a_cell_follow_the_same_rule():
    attention = layers.MultiHeadAttention(num_heads=2, key_dim=2, activity_regularizer=oi.regularizers.L2(0.5))
    recurrent = layers.RNN(layers.SimpleRNNCell(3), activity_regularizer=oi.regularizers.L2(0.5))
    sequence = RNG.normal(size=(5, 4)).astype("float32")
    for layer, call in ((attention, lambda x: attention(x, x)), (recurrent, recurrent)):
        results = []
        for batch in (1, 8):
            output = ops.to_numpy(call(np.repeat(sequence[None], batch, axis=0)))
            results.append((float(ops.to_numpy(layer.losses[0])), 0.5 * float(np.sum(output[0] ** 2))))
        np.testing.assert_allclose([r[0] for r in results], [r[1] for r in results], rtol=1e-4)
