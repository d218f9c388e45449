"""The plugin registers through the public hooks, lazily, under qualified names and Keras aliases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np

import oneiros as oi
from oneiros_vision import plugin

CONV_AND_POOLING = ["Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
                    "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D",
                    "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D",
                    "AveragePooling3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
                    "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D"]
RESHAPING = ["UpSampling1D", "UpSampling2D", "UpSampling3D", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D",
             "Cropping1D", "Cropping2D", "Cropping3D"]
PREPROCESSING = ["Rescaling", "Resizing", "CenterCrop", "RandomCrop", "RandomFlip", "RandomRotation",
                 "RandomTranslation", "RandomZoom", "RandomContrast", "RandomBrightness"]
ALIASES = {"Convolution2D": "Conv2D", "MaxPool2D": "MaxPooling2D", "AvgPool1D": "AveragePooling1D",
           "GlobalAvgPool2D": "GlobalAveragePooling2D", "SeparableConvolution2D": "SeparableConv2D"}


def test_registers_cleanly_in_an_isolated_host(register_plugin):
    record = register_plugin(plugin, "vision")
    assert record.registered == {"layers": 69 + 20, "data_loaders": 3}
    for name in CONV_AND_POOLING + RESHAPING + PREPROCESSING:
        cls = oi.layers.get(f"vision>{name}")
        assert cls.__name__ == name and oi.layers.get(name) is cls
    for alias, name in ALIASES.items():
        assert oi.layers.get(alias) is oi.layers.get(name)
    assert sorted(oi.data.loaders()) == ["vision>idx", "vision>image_folder", "vision>mnist_idx"]


def test_a_model_saves_classes_under_their_own_names_and_loads_back(tmp_path, jax_backend):
    oi.set_random_seed(1)
    model = oi.Sequential([
        oi.layers.Input((8, 8, 2)),
        oi.layers.get("Convolution2D")(3, 3, padding="same", activation="relu"),
        oi.layers.MaxPool2D(2),
        oi.layers.Conv2DTranspose(2, 2, strides=2),
        oi.layers.GlobalAvgPool2D(),
        oi.layers.Dense(2),
    ])
    classes = [layer["class_name"] for layer in json.loads(model.to_json())["config"]["layers"]]
    assert classes[1:5] == ["vision>Conv2D", "vision>MaxPooling2D", "vision>Conv2DTranspose",
                           "vision>GlobalAveragePooling2D"]
    x = np.random.default_rng(0).normal(size=(3, 8, 8, 2)).astype("float32")
    model.save(tmp_path / "model.oneiros")
    loaded = oi.load_model(tmp_path / "model.oneiros")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_every_public_layer_class_is_registered_and_serializable(oneiros_host, register_plugin):
    import oneiros_vision.layers

    register_plugin(plugin, "vision")
    registry = oneiros_host.registry("layers")
    for name in oneiros_vision.layers.__all__:
        cls = getattr(oneiros_vision.layers, name)
        assert oi.layers.get(f"vision>{name}") is cls
        assert registry.entry_for(cls).qualified_name == f"vision>{name}"


def test_discovery_and_registration_import_nothing_of_the_plugin():
    """Only the vision plugin is loaded (other plugins may import numpy when they register)."""
    code = textwrap.dedent("""
        import json, sys
        import oneiros as oi
        from oneiros._plugins import host
        host().load()
        watched = ("numpy", "PIL", "jax", "oneiros_vision.layers", "oneiros_vision.data")
        seen = {"registered": sorted(m for m in watched if m in sys.modules)}
        oi.layers.get("vision>Conv2D")
        oi.data.loaders()
        seen["after_lookup"] = sorted(m for m in ("PIL", "jax", "oneiros_vision.data") if m in sys.modules)
        print(json.dumps(seen))
    """)
    environment = {**os.environ, "ONEIROS_PLUGINS": "vision"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env=environment)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"registered": [], "after_lookup": []}
