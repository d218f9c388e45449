"""Every core layer compiled to ONNX predicts what the jax backend predicts (batches 1, 3, 8).

Each layer is wrapped in a functional model built on jax with random weights (moving variances
positive); ONNX Runtime must match jax within 1e-5 of the output's scale, with one session for
the three batch sizes. Dropout and noise layers must vanish (training=False).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers, ops

Spec = tuple[Callable[[], Any], list[tuple], str]

SPECS: dict[str, Spec] = {
    "Activation": (lambda: layers.Activation("gelu"), [(6,)], "float32"),
    "ActivityRegularization": (lambda: layers.ActivityRegularization(l1=0.01), [(6,)], "float32"),
    "Add": (lambda: layers.Add(), [(5,), (5,)], "float32"),
    "AlphaDropout": (lambda: layers.AlphaDropout(0.3), [(6,)], "float32"),
    "Average": (lambda: layers.Average(), [(5,), (5,), (5,)], "float32"),
    "BatchNormalization": (lambda: layers.BatchNormalization(), [(4, 6)], "float32"),
    "Concatenate": (lambda: layers.Concatenate(axis=-1), [(3,), (5,)], "float32"),
    "Dense": (lambda: layers.Dense(7, activation="relu"), [(5,)], "float32"),
    "Dense-3d": (lambda: layers.Dense(3, activation="tanh"), [(4, 5)], "float32"),
    "Dot": (lambda: layers.Dot(axes=(2, 2)), [(3, 4), (5, 4)], "float32"),
    "Dot-normalize": (lambda: layers.Dot(axes=1, normalize=True), [(5,), (5,)], "float32"),
    "Dropout": (lambda: layers.Dropout(0.5), [(6,)], "float32"),
    "ELU": (lambda: layers.ELU(alpha=0.7), [(6,)], "float32"),
    "EinsumDense": (lambda: layers.EinsumDense("abc,cd->abd", output_shape=(None, 7), bias_axes="d"),
                    [(4, 5)], "float32"),
    "Flatten": (lambda: layers.Flatten(), [(3, 4, 2)], "float32"),
    "GaussianDropout": (lambda: layers.GaussianDropout(0.3), [(6,)], "float32"),
    "GaussianNoise": (lambda: layers.GaussianNoise(0.2), [(6,)], "float32"),
    "GroupNormalization": (lambda: layers.GroupNormalization(groups=2), [(5, 4)], "float32"),
    "Identity": (lambda: layers.Identity(), [(3,)], "float32"),
    "Lambda": (lambda: layers.Lambda(lambda x: ops.square(ops.sin(x))), [(4,)], "float32"),
    "LeakyReLU": (lambda: layers.LeakyReLU(negative_slope=0.2), [(6,)], "float32"),
    "LayerNormalization": (lambda: layers.LayerNormalization(), [(4, 6)], "float32"),
    "Masking": (lambda: layers.Masking(mask_value=0.0), [(4, 3)], "float32"),
    "Maximum": (lambda: layers.Maximum(), [(5,), (5,)], "float32"),
    "Minimum": (lambda: layers.Minimum(), [(5,), (5,)], "float32"),
    "Multiply": (lambda: layers.Multiply(), [(5,), (5,)], "float32"),
    "OpLayer": (lambda: layers.OpLayer("mean", {"args": [{"__tensor__": 0}], "kwargs": {"axis": 1}}), [(4, 3)],
                "float32"),
    "PReLU": (lambda: layers.PReLU(alpha_initializer="random_uniform"), [(4, 3)], "float32"),
    "Permute": (lambda: layers.Permute((2, 1)), [(3, 4)], "float32"),
    "ReLU": (lambda: layers.ReLU(max_value=0.5, negative_slope=0.1, threshold=0.1), [(6,)], "float32"),
    "RMSNormalization": (lambda: layers.RMSNormalization(), [(6,)], "float32"),
    "RepeatVector": (lambda: layers.RepeatVector(3), [(4,)], "float32"),
    "Reshape": (lambda: layers.Reshape((2, 6)), [(3, 4)], "float32"),
    "Reshape-minus1": (lambda: layers.Reshape((-1, 2)), [(3, 4)], "float32"),
    "Softmax": (lambda: layers.Softmax(axis=-1), [(4, 3)], "float32"),
    "SpatialDropout1D": (lambda: layers.SpatialDropout1D(0.5), [(4, 3)], "float32"),
    "SpatialDropout2D": (lambda: layers.SpatialDropout2D(0.5), [(4, 4, 3)], "float32"),
    "SpatialDropout3D": (lambda: layers.SpatialDropout3D(0.5), [(3, 3, 3, 2)], "float32"),
    "Subtract": (lambda: layers.Subtract(), [(5,), (5,)], "float32"),
    "UnitNormalization": (lambda: layers.UnitNormalization(), [(5,)], "float32"),
    "Normalization": (lambda: layers.Normalization(mean=[0.5, 1.0, 2.0], variance=[1.0, 4.0, 0.25]), [(4, 3)],
                      "float32"),
    "Discretization": (lambda: layers.Discretization(bin_boundaries=[-0.5, 0.0, 0.5], output_mode="count"), [(5,)],
                       "float32"),
    "STFTSpectrogram": (lambda: layers.STFTSpectrogram(mode="magnitude", frame_length=8, frame_step=4), [(32, 2)],
                        "float32"),
    "MelSpectrogram": (lambda: layers.MelSpectrogram(fft_length=32, sequence_stride=8, num_mel_bins=4,
                                                     sampling_rate=800), [(64,)], "float32"),
    "SpectralNormalization": (lambda: layers.SpectralNormalization(layers.Dense(3)), [(5,)], "float32"),
    "Wrapper": (lambda: layers.Wrapper(layers.Dense(3)), [(5,)], "float32"),
    "Pipeline": (lambda: layers.Pipeline([layers.Dense(3), layers.ReLU()]), [(5,)], "float32"),
}

NOT_LAYERS_TO_WRAP = {"Functional", "Input", "InputLayer", "Model", "Sequential"}


def build(spec: Spec, randomize: Callable[..., None]) -> Any:
    factory, shapes, dtype = spec
    with oi.backend_scope("onnx"):  # built (weights initialised) on onnx; predicted on both
        inputs = [oi.Input(shape, dtype=dtype) for shape in shapes]
        layer = factory()
        outputs = layer(inputs if len(inputs) > 1 else inputs[0])
        model = oi.Model(inputs if len(inputs) > 1 else inputs[0], outputs)
        randomize(model)
    return model


@pytest.mark.parametrize("name", sorted(SPECS))
def test_layer_matches_jax(name: str, compare: Any, randomized: Any, make_inputs: Any) -> None:
    spec = SPECS[name]
    model = build(spec, randomized)
    rng = np.random.default_rng(1)
    arrays = [make_inputs((8, *shape), spec[2], rng) for shape in spec[1]]
    if name == "Masking":
        arrays[0][:, 1] = 0.0
    compare(model, arrays if len(arrays) > 1 else arrays[0], label=name)


def test_every_core_layer_has_a_spec() -> None:
    from oneiros._plugins import host

    core = {entry.name for entry in host().registry("layers").entries() if entry.plugin == "core"}
    covered = {name.split("-")[0] for name in SPECS}
    assert core - covered - NOT_LAYERS_TO_WRAP == set()


def test_dropout_and_noise_leave_no_random_nodes(randomized: Any) -> None:
    import onnx

    from oneiros_onnx import to_onnx

    with oi.backend_scope("onnx"):
        model = oi.Sequential([layers.Input((6,)), layers.GaussianNoise(0.3), layers.Dense(4), layers.Dropout(0.5),
                               layers.AlphaDropout(0.2), layers.GaussianDropout(0.1)])
        randomized(model)
    proto = to_onnx(model)
    onnx.checker.check_model(proto)
    kinds = {node.op_type for node in proto.graph.node}
    assert kinds <= {"MatMul", "Add", "Identity"}, kinds
