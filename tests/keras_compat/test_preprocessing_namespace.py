"""``oi.preprocessing`` against Keras 3's ``keras.preprocessing``: every name of the namespace and
of its ``image`` and ``sequence`` modules, the data-set builders being oi.utils's, and
``smart_resize`` computed by Keras itself (KERAS_BACKEND=jax) on the same images."""

from __future__ import annotations

import functools
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

import oneiros as oi  # noqa: E402


@pytest.mark.parametrize("path", [(), ("image",), ("sequence",)])
def test_every_keras_name_is_provided(path):
    keras_module = functools.reduce(getattr, path, keras.preprocessing)
    oneiros_module = functools.reduce(getattr, path, oi.preprocessing)
    names = [name for name in dir(keras_module) if not name.startswith("_")]
    assert [name for name in names if not hasattr(oneiros_module, name)] == []


def test_the_dataset_builders_are_oneiros_utils():
    for name in ("timeseries_dataset_from_array", "image_dataset_from_directory", "text_dataset_from_directory"):
        assert getattr(oi.preprocessing, name) is getattr(oi.utils, name)
    assert oi.preprocessing.sequence.pad_sequences is oi.utils.pad_sequences


@pytest.mark.parametrize(("shape", "size", "data_format"), [
    ((34, 50, 3), (20, 20), "channels_last"),
    ((50, 34, 1), (12, 30), "channels_last"),
    ((2, 3, 30, 17), (8, 12), "channels_first"),
    ((2, 9, 9, 2), (4, 6), "channels_last"),
])
def test_smart_resize_matches_keras(shape, size, data_format):
    images = np.random.default_rng(1).uniform(size=shape).astype("float32")
    expected = keras.preprocessing.image.smart_resize(images, size, data_format=data_format)
    with oi.backend_scope("jax"):
        received = oi.preprocessing.image.smart_resize(images, size, data_format=data_format)
    assert isinstance(received, np.ndarray) and received.shape == expected.shape
    np.testing.assert_allclose(received, expected, rtol=1e-5, atol=1e-6)


def test_smart_resize_keeps_a_tensor_a_tensor():
    with oi.backend_scope("jax"):
        resized = oi.preprocessing.image.smart_resize(oi.ops.ones((6, 8, 1)), (3, 3))
        assert not isinstance(resized, np.ndarray) and tuple(oi.ops.shape(resized)) == (3, 3, 1)


@pytest.mark.parametrize(("shape", "size", "message"), [
    ((6, 8, 1), (3, 3, 3), r"size as \(height, width\), two integers; received \(3, 3, 3\)"),
    ((6, 8), (3, 3), r"an image \(height, width, channels\) or a batch.*received shape \(6, 8\)"),
])
def test_smart_resize_names_bad_arguments(shape, size, message):
    with oi.backend_scope("jax"), pytest.raises(ValueError, match=message):
        oi.preprocessing.image.smart_resize(np.zeros(shape, "float32"), size)
