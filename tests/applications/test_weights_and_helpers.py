"""Weights (a file, or "imagenet" through a local mirror with its checksum), the ImageNet helpers and
the argument checks of oi.applications, each against Keras 3 itself (KERAS_BACKEND=jax).

"imagenet" is only ever fetched from a server on 127.0.0.1 serving files this module writes from
Keras models built with ``weights=None`` (in Keras 2's ``.h5`` layout, as Keras publishes them).
Loading from a file path runs on the default backend (JAX); the other model-building tests use the
numpy reference backend, whose weight initialization compiles nothing.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import os
import threading
from pathlib import Path

import h5py
import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
from keras.src.applications import imagenet_utils as keras_imagenet_utils  # noqa: E402
from keras.src.legacy.saving import legacy_h5_format  # noqa: E402

import oneiros as oi  # noqa: E402
from oneiros.applications import _base, imagenet_utils, mobilenet_v3  # noqa: E402

IMAGES = np.random.default_rng(2).uniform(0, 255, (2, 32, 32, 3)).astype("float32")


def randomized(model):
    """``model`` with every weight drawn at random (positive variances), so a wrong order shows."""
    rng = np.random.default_rng(3)
    model.set_weights([rng.uniform(0.5, 1.5, w.shape).astype("float32") if "variance" in v.path
                       else rng.normal(0, 0.2, w.shape).astype("float32")
                       for v, w in zip(model.weights, model.get_weights())])
    return model


def keras2_h5(model, path: Path) -> Path:
    """``model``'s weights in Keras 2's ``.h5`` layout, the layout of Keras's published files."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with h5py.File(path, "w") as file:
        legacy_h5_format.save_weights_to_hdf5_group(file, model)
    return path


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def mirror(tmp_path_factory):
    """A folder served on 127.0.0.1, set as the applications mirror, with ``$ONEIROS_HOME`` empty."""
    root = tmp_path_factory.mktemp("mirror")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    patch = pytest.MonkeyPatch()
    patch.setenv("ONEIROS_HOME", str(tmp_path_factory.mktemp("home")))
    patch.setenv(_base.MIRROR_VARIABLE, f"http://127.0.0.1:{server.server_address[1]}/")
    yield root
    patch.undo()
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def keras_mobilenet():
    return randomized(keras.applications.MobileNet(weights=None, alpha=0.25, include_top=False,
                                                   input_shape=(128, 128, 3)))


def test_imagenet_weights_come_from_the_mirror_and_load_in_keras_layer_order(mirror, keras_mobilenet):
    keras2_h5(keras_mobilenet, mirror / "mobilenet" / "mobilenet_2_5_128_tf_no_top.h5")
    x = np.random.default_rng(4).uniform(-1, 1, (1, 128, 128, 3)).astype("float32")
    with oi.backend_scope("numpy"):
        ours = oi.applications.MobileNet(weights="imagenet", alpha=0.25, include_top=False, input_shape=(128, 128, 3))
        np.testing.assert_allclose(np.asarray(ours(x)), np.asarray(keras_mobilenet(x)), rtol=1e-4, atol=1e-4)
    assert Path(os.environ["ONEIROS_HOME"], "models", "mobilenet_2_5_128_tf_no_top.h5").is_file()


def test_imagenet_weights_are_checked_against_their_published_checksum(mirror, monkeypatch):
    keras_model = randomized(keras.applications.MobileNetV3Small(weights=None, include_top=False,
                                                                 input_shape=(32, 32, 3)))
    served = keras2_h5(keras_model, mirror / "mobilenet_v3" / "weights_mobilenet_v3_small_224_1.0_float_no_top_v2.h5")
    cached = Path(os.environ["ONEIROS_HOME"], "models", served.name)
    with oi.backend_scope("numpy"):
        with pytest.warns(UserWarning, match="224x224"), pytest.raises(ValueError, match="does not match"):
            oi.applications.MobileNetV3Small(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
        assert not cached.exists()
        monkeypatch.setitem(mobilenet_v3.WEIGHT_HASHES, "small_224_1.0_float", (None, md5(served)))
        with pytest.warns(UserWarning, match="224x224"):
            ours = oi.applications.MobileNetV3Small(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
        np.testing.assert_allclose(np.asarray(ours(IMAGES)), np.asarray(keras_model(IMAGES)), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("suffix", [".h5", ".weights.h5"])
def test_weights_from_a_keras_file_path(tmp_path, keras_mobilenet, suffix):
    path = tmp_path / f"mobilenet{suffix}"
    if suffix == ".h5":
        keras2_h5(keras_mobilenet, path)
    else:
        keras_mobilenet.save_weights(path)
    ours = oi.applications.MobileNet(weights=str(path), alpha=0.25, include_top=False, input_shape=(128, 128, 3))
    x = np.random.default_rng(5).uniform(-1, 1, (1, 128, 128, 3)).astype("float32")
    np.testing.assert_allclose(np.asarray(ours(x)), np.asarray(keras_mobilenet(x)), rtol=1e-4, atol=1e-4)


def test_decode_predictions_fetches_the_class_index_and_matches_keras(tmp_path, monkeypatch):
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    served = tmp_path / "imagenet_class_index.json"
    served.write_text(json.dumps(index))
    monkeypatch.setenv("ONEIROS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv(imagenet_utils.CLASS_INDEX_MIRROR_VARIABLE, served.as_uri())
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_HASH", md5(served))
    monkeypatch.setattr(imagenet_utils, "_class_index", None)
    monkeypatch.setattr(keras_imagenet_utils, "CLASS_INDEX", index)
    predictions = np.random.default_rng(6).dirichlet(np.ones(1000), size=3).astype("float32")
    ours = oi.applications.resnet50.decode_predictions(predictions, top=4)
    theirs = keras.applications.resnet50.decode_predictions(predictions, top=4)
    assert [[(a, b) for a, b, _ in row] for row in ours] == [[(a, b) for a, b, _ in row] for row in theirs]
    np.testing.assert_allclose([[s for *_, s in row] for row in ours], [[s for *_, s in row] for row in theirs])
    assert Path(tmp_path, "home", "models", "imagenet_class_index.json").is_file()


def test_decode_predictions_refuses_a_batch_that_is_not_imagenet():
    with pytest.raises(ValueError, match=r"shape \(samples, 1000\); received shape \(2, 10\)"):
        oi.applications.imagenet_utils.decode_predictions(np.zeros((2, 10)))


PREPROCESSING = ["resnet", "resnet50", "vgg16", "vgg19", "resnet_v2", "mobilenet", "mobilenet_v2", "mobilenet_v3",
                 "inception_v3", "inception_resnet_v2", "xception", "densenet", "efficientnet", "efficientnet_v2",
                 "convnext", "nasnet"]


@pytest.mark.parametrize("module", PREPROCESSING)
def test_preprocess_input_equals_keras_on_arrays_and_tensors(module):
    ours = getattr(oi.applications, module).preprocess_input
    theirs = getattr(keras.applications, module).preprocess_input
    np.testing.assert_allclose(ours(IMAGES.copy()), theirs(IMAGES.copy()), rtol=1e-6, atol=1e-4)
    np.testing.assert_allclose(ours(IMAGES[0].astype("uint8")), theirs(IMAGES[0].astype("uint8")), rtol=1e-6,
                               atol=1e-4)
    tensor = oi.ops.convert_to_tensor(IMAGES)
    np.testing.assert_allclose(np.asarray(ours(tensor)), np.asarray(theirs(keras.ops.convert_to_tensor(IMAGES))),
                               rtol=1e-6, atol=1e-4)


@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
def test_imagenet_utils_modes_equal_keras_channels_first(mode):
    images = np.moveaxis(IMAGES, -1, 1)
    ours = oi.applications.imagenet_utils.preprocess_input(images.copy(), data_format="channels_first", mode=mode)
    theirs = keras.applications.imagenet_utils.preprocess_input(images.copy(), data_format="channels_first", mode=mode)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-4)


def test_preprocess_input_refuses_an_unknown_mode():
    with pytest.raises(ValueError, match="one of \\('caffe', 'tf', 'torch'\\); received mode='keras'"):
        oi.applications.imagenet_utils.preprocess_input(IMAGES.copy(), mode="keras")


@pytest.mark.parametrize("options, message", [
    ({"weights": "no/such/file.h5"}, "received weights='no/such/file.h5'"),
    ({"weights": "imagenet", "classes": 10}, "`classes` must be 1000; received classes=10"),
    ({"pooling": "sum", "include_top": False}, "received pooling='sum'"),
    ({"weights": "imagenet", "classifier_activation": "relu"}, "received classifier_activation='relu'"),
    ({"input_shape": (16, 16, 3)}, "at least 32x32; received input_shape=(16, 16, 3)"),
    ({"input_shape": (None, None, 3)}, "must be static; received (None, None, 3)"),
    ({"include_top": False, "weights": "imagenet", "input_shape": (32, 32, 1)}, "3 input channels"),
])
def test_bad_arguments_are_refused_before_anything_is_built_or_fetched(options, message, monkeypatch):
    monkeypatch.setenv(_base.MIRROR_VARIABLE, "http://127.0.0.1:9/")  # nothing listens: a fetch would fail otherwise
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        oi.applications.ResNet50(**{"weights": None, **options})


def test_an_input_tensor_that_is_not_symbolic_is_refused():
    with pytest.raises(TypeError, match="symbolic tensor .* received ndarray"):
        oi.applications.VGG16(weights=None, include_top=False, input_tensor=IMAGES)


def test_an_input_tensor_becomes_the_models_input():
    image = oi.Input((32, 32, 3))
    with oi.backend_scope("numpy"):
        model = oi.applications.MobileNetV2(weights=None, alpha=0.35, include_top=False, input_tensor=image,
                                            pooling="avg")
    assert model.inputs[0] is image
    assert model.name == "mobilenetv2_0.35_32"
    assert tuple(model.output.shape) == (None, 1280)


def test_keras_signatures():
    import inspect

    for name in oi.applications.APPLICATIONS:
        ours = inspect.signature(getattr(oi.applications, name))
        theirs = inspect.signature(getattr(keras.applications, name))
        assert list(ours.parameters) == list(theirs.parameters), name
        assert [p.default for p in ours.parameters.values()] == [p.default for p in theirs.parameters.values()], name


def test_an_application_saves_and_loads_with_its_outputs(tmp_path):
    with oi.backend_scope("numpy"):
        model = oi.applications.MobileNetV3Small(weights=None, input_shape=(32, 32, 3), classes=3)
        model.save(tmp_path / "small.oneiros")
        loaded = oi.load_model(tmp_path / "small.oneiros")
        np.testing.assert_array_equal(np.asarray(loaded(IMAGES)), np.asarray(model(IMAGES)))
