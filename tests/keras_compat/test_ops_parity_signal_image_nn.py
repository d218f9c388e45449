"""The ops of issue 21 part B on the numpy reference backend against Keras 3 on JAX (the oracle):
fft/signal, ``ops.image``, nn kernels, control flow and ``ops.linalg`` names.

The derived ops run their ``oneiros.ops`` definitions on numpy primitives here; the conformance
kit then holds every other backend to the numpy reference, so Keras's values reach all of them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

import oneiros  # noqa: E402
from oneiros import ops  # noqa: E402
from oneiros.backend import backend_scope, get_backend  # noqa: E402

RNG = np.random.default_rng(2126)


def normal(*shape: int) -> np.ndarray:
    return RNG.standard_normal(shape).astype(np.float32)


def unit(*shape: int) -> np.ndarray:
    return RNG.uniform(0.05, 0.95, shape).astype(np.float32)


SIGNAL = normal(2, 40)
PAIR = (normal(2, 6), normal(2, 6))
IMAGES = unit(2, 5, 6, 3)
TRANSFORMS = np.array([[1.1, 0.2, -1.0, -0.1, 0.9, 0.5, 0, 0], [0.8, -0.3, 2.0, 0.3, 1.2, -1.0, 0, 0]], np.float32)
COORDINATES = (RNG.random((2, 4, 5)) * 10 - 2).astype(np.float32)
CORNERS = np.array([[0, 0], [5, 0], [0, 4], [5, 4]], np.float32)
TARGET = np.array([[1, 2, 2, 0], [3, 1, 0, 0]], np.int32)
LOGITS = normal(2, 8, 5)

Call = tuple[str, str, tuple[Any, ...], dict[str, Any]]

CALLS: list[Call] = [
    ("ops", "fft", (PAIR,), {}),
    ("ops", "fft2", (PAIR,), {}),
    ("ops", "ifft2", (PAIR,), {}),
    ("ops", "rfft", (SIGNAL, 16), {}),
    ("ops", "irfft", (PAIR, 9), {}),
    ("ops", "extract_sequences", (SIGNAL, 5, 3), {}),
    ("ops", "stft", (SIGNAL, 8, 4, 8), {}),
    ("ops", "stft", (SIGNAL, 6, 3, 10), {"window": "hamming", "center": False}),
    ("ops", "dot_product_attention", (normal(2, 4, 4, 3), normal(2, 5, 2, 3), normal(2, 5, 2, 3)),
     {"is_causal": True, "bias": normal(1, 4, 4, 5), "scale": 0.3}),
    ("ops", "separable_conv", (normal(2, 6, 6, 3), normal(3, 3, 3, 2), normal(1, 1, 6, 4)),
     {"padding": "same", "strides": 2}),
    ("ops", "depth_to_space", (normal(2, 3, 4, 8), 2), {}),
    ("ops", "space_to_depth", (normal(2, 3, 4, 6), 2), {"data_format": "channels_first"}),
    ("ops", "unfold", (normal(2, 3, 7, 6), (2, 3)), {"dilation": (1, 2), "padding": 1, "stride": 2}),
    ("ops", "fold", (normal(2, 18, 8), (7, 6), (2, 3)), {"dilation": (1, 2), "padding": 1, "stride": 2}),
    ("ops", "adaptive_average_pool", (normal(2, 7, 5, 3), (3, 2)), {}),
    ("ops", "adaptive_max_pool", (normal(2, 3, 5, 6, 4), (2, 3, 2)), {"data_format": "channels_first"}),
    ("ops", "ctc_loss", (TARGET, LOGITS, np.array([3, 2], np.int32), np.array([8, 6], np.int32)), {}),
    ("ops", "ctc_decode", (LOGITS, np.array([8, 5], np.int32)), {"merge_repeated": False, "mask_index": 2}),
    ("ops", "segment_min", (normal(6, 3), np.array([0, 0, 2, 2, 3, 0], np.int32)), {"num_segments": 4}),
    ("ops", "segment_prod", (normal(6, 3), np.array([0, 0, 2, 2, 3, 0], np.int32)), {"num_segments": 5}),
    ("image", "rgb_to_grayscale", (IMAGES,), {}),
    ("image", "rgb_to_hsv", (IMAGES,), {}),
    ("image", "hsv_to_rgb", (IMAGES,), {}),
    ("image", "pad_images", (IMAGES, 1, 2), {"target_height": 8, "target_width": 9}),
    ("image", "crop_images", (IMAGES[0],), {"top_cropping": 1, "bottom_cropping": 1, "left_cropping": 0,
                                            "right_cropping": 2}),
    ("image", "extract_patches", (normal(2, 8, 9, 3), 2), {"strides": (1, 2), "padding": "same"}),
    ("image", "gaussian_blur", (IMAGES, (3, 5), (1.0, 2.0)), {"data_format": "channels_last"}),
    ("image", "sobel_edges", (IMAGES,), {}),
    ("image", "map_coordinates", (normal(7, 6), COORDINATES, 1), {"fill_mode": "reflect"}),
    ("image", "map_coordinates", (normal(7, 6), COORDINATES, 0), {"fill_mode": "constant", "fill_value": 0.5}),
    ("image", "affine_transform", (IMAGES, TRANSFORMS), {"fill_mode": "mirror"}),
    ("image", "affine_transform", (IMAGES[0], TRANSFORMS[0]), {"interpolation": "nearest"}),
    ("image", "resize", (IMAGES, (7, 4)), {}),
    ("image", "extract_patches_3d", (normal(2, 2, 6, 5, 4), 2), {"data_format": "channels_first", "padding": "same"}),
    ("image", "perspective_transform", (IMAGES[0], CORNERS, CORNERS * 0.9 + 0.3), {"interpolation": "nearest"}),
    ("image", "scale_and_translate", (IMAGES, (2, 3, 9, 3), np.array([0.6, 1.4], np.float32),
                                      np.array([0.5, -1.0], np.float32), (1, 2), "cubic"), {}),
    ("image", "ssim", (IMAGES, IMAGES[::-1]), {"filter_size": 3}),
    ("image", "elastic_transform", (IMAGES,), {"alpha": 0.0, "seed": 1}),
]
"""(namespace, name, positional arguments, keyword arguments) given to Keras and Oneiros alike."""


def _module(namespace: str, library: Any) -> Any:
    return library.ops if namespace == "ops" else getattr(library.ops, namespace)


def _leaves(value: Any) -> list[Any]:
    return [leaf for item in value for leaf in _leaves(item)] if isinstance(value, (tuple, list)) else [value]


@pytest.fixture(scope="module")
def numpy_backend():
    with backend_scope(get_backend("numpy")) as backend:
        yield backend


@pytest.mark.parametrize("call", CALLS, ids=lambda call: f"{call[0]}.{call[1]}-{sorted(call[3])}")
def test_matches_keras(call: Call, numpy_backend: Any) -> None:
    namespace, name, args, kwargs = call
    expected = _leaves(getattr(_module(namespace, keras), name)(*args, **kwargs))
    received = _leaves(getattr(_module(namespace, oneiros), name)(*args, **kwargs))
    assert len(received) == len(expected)
    for got, want in zip(received, expected):
        want = np.asarray(want)
        got = ops.to_numpy(got)
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def _keras_istft_round_trip() -> tuple[np.ndarray, np.ndarray]:
    spectrum = keras.ops.stft(SIGNAL, 8, 4, 8)
    return np.asarray(keras.ops.istft(spectrum, 8, 4, 8, length=30)), np.asarray(keras.ops.istft(spectrum, 8, 4, 8))


def test_istft_matches_keras_and_inverts_stft(numpy_backend: Any) -> None:
    spectrum = ops.stft(SIGNAL, 8, 4, 8)
    with_length, full = _keras_istft_round_trip()
    np.testing.assert_allclose(ops.to_numpy(ops.istft(spectrum, 8, 4, 8, length=30)), with_length, atol=1e-5)
    np.testing.assert_allclose(ops.to_numpy(ops.istft(spectrum, 8, 4, 8)), full, atol=1e-5)
    np.testing.assert_allclose(ops.to_numpy(ops.istft(spectrum, 8, 4, 8)), SIGNAL, atol=1e-5)


def _loop_programs(library: Any) -> list[Any]:
    namespace = library.ops
    results = [namespace.while_loop(lambda x, n: namespace.less(n, 5), lambda x, n: (namespace.sin(x), n + 1),
                                    (SIGNAL[0, :4], 0))[0]]
    results.append(namespace.switch(2, [namespace.exp, namespace.tanh, namespace.square], SIGNAL[0, :4]))
    results.append(namespace.switch(-1, [namespace.exp, namespace.tanh], SIGNAL[0, :4]))
    results.append(namespace.map(lambda row: namespace.sum(row * row), SIGNAL[:, :5]))
    results.append(namespace.vectorized_map(lambda row: namespace.max(row), SIGNAL[:, :5]))
    results.append(namespace.associative_scan(namespace.multiply, SIGNAL[:, :6] * 0.5 + 1, reverse=True, axis=1))
    return results


def test_control_flow_matches_keras(numpy_backend: Any) -> None:
    for got, want in zip(_loop_programs(oneiros), _loop_programs(keras)):
        np.testing.assert_allclose(ops.to_numpy(got), np.asarray(want), rtol=1e-5, atol=1e-6)


def test_elastic_transform_is_seeded_and_moves_pixels(numpy_backend: Any) -> None:
    first, second = (ops.to_numpy(ops.image.elastic_transform(IMAGES, alpha=5.0, sigma=1.0, seed=4)) for _ in range(2))
    np.testing.assert_array_equal(first, second)
    assert first.shape == IMAGES.shape and np.abs(first - IMAGES).mean() > 0.01


@pytest.mark.parametrize("namespace", ["image", "linalg"])
def test_sub_namespaces_have_keras_names(namespace: str) -> None:
    names = sorted(name for name in dir(getattr(keras.ops, namespace)) if not name.startswith("_"))
    provided = getattr(oneiros.ops, namespace)
    assert [name for name in names if not callable(getattr(provided, name, None))] == []


@pytest.mark.parametrize("bad, message", [
    (lambda: ops.image.crop_images(IMAGES, top_cropping=1), "exactly two"),
    (lambda: ops.image.map_coordinates(normal(3, 3), COORDINATES, 3), "order"),
    (lambda: ops.ctc_decode(LOGITS, np.array([8, 5], np.int32), strategy="beam_search"), "beam_search"),
    (lambda: ops.depth_to_space(normal(1, 2, 2, 6), 2), "6 channels"),
    (lambda: ops.stft(SIGNAL, 8, 4, 4), "fft_length"),
    (lambda: ops.image.resize(IMAGES, (4, 4), antialias=True), "antialias"),
], ids=["crop-one-argument", "order3", "beam-search", "channels-not-divisible", "fft-shorter", "antialias"])
def test_bad_arguments_name_what_was_received(bad: Callable[[], Any], message: str, numpy_backend: Any) -> None:
    with pytest.raises((ValueError, oneiros.errors.OpError), match=message):
        bad()
