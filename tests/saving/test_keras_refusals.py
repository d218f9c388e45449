"""Hostile Keras files (.keras, .weights.h5, .h5): each refused with a ModelFileError and no side
effect (the canary fixture records imports, commands, connections and files opened)."""

from __future__ import annotations

import io
import json
import os
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

os.environ.setdefault("KERAS_BACKEND", "jax")

import oneiros as oi  # noqa: E402
from oneiros import layers  # noqa: E402
from oneiros.errors import (ArchiveSecurityError, ModelFileError, OneirosError,  # noqa: E402
                            ResourceLimitError, UnsafeConfigError)
from oneiros.saving import LoadLimits  # noqa: E402

h5py = pytest.importorskip("h5py")


def _model() -> oi.Model:
    model = oi.Sequential([layers.Input((3,)), layers.Dense(4, activation="relu"), layers.Dense(2)])
    rng = np.random.default_rng(5)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    return model


class _Files(dict):
    """The valid files as bytes; a short repr keeps hypothesis's failure reports readable."""

    def __repr__(self) -> str:
        return "<valid .keras members and .weights.h5 bytes>"


@pytest.fixture(scope="module")
def keras_bytes(tmp_path_factory):
    """A valid .keras archive's members and a valid .weights.h5, written by Oneiros."""
    folder = tmp_path_factory.mktemp("keras_refusals")
    model = _model()
    model.save(folder / "m.keras")
    model.save_weights(folder / "m.weights.h5")
    with zipfile.ZipFile(folder / "m.keras") as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    return _Files(members=members, weights=(folder / "m.weights.h5").read_bytes())


def _write_keras(path, members, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _config_with(keras_bytes, change):
    config = json.loads(keras_bytes["members"]["config.json"])
    change(config)
    return {**keras_bytes["members"], "config.json": json.dumps(config).encode()}


def test_a_lambda_with_marshalled_code_is_refused(tmp_path, canary):
    keras = pytest.importorskip("keras")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Lambda(lambda x: x * 2)])
    model.save(tmp_path / "lambda.keras")
    for safe_mode in (True, False):
        with pytest.raises(UnsafeConfigError, match="Lambda"):
            oi.load_model(tmp_path / "lambda.keras", safe_mode=safe_mode)
    canary.assert_untouched()


def test_a_module_outside_the_registries_is_never_imported(tmp_path, keras_bytes, canary):
    from tests.saving.conftest import CANARY_MODULE

    def hostile(config):
        config["config"]["layers"][1].update(module=CANARY_MODULE, class_name="Payload", registered_name=None)

    path = _write_keras(tmp_path / "module.keras", _config_with(keras_bytes, hostile))
    with pytest.raises(UnsafeConfigError, match=CANARY_MODULE):
        oi.load_model(path)
    canary.assert_untouched()


def test_a_function_from_a_foreign_module_is_refused(tmp_path, keras_bytes, canary):
    from tests.saving.conftest import CANARY_MODULE

    def hostile(config):
        config["config"]["layers"][1]["config"]["activation"] = {
            "module": CANARY_MODULE, "class_name": "function", "config": "system", "registered_name": None}

    with pytest.raises(UnsafeConfigError, match="system"):
        oi.load_model(_write_keras(tmp_path / "function.keras", _config_with(keras_bytes, hostile)))
    canary.assert_untouched()


def _weights_with(source: bytes, change) -> bytes:
    buffer = io.BytesIO(source)
    with h5py.File(buffer, "a") as handle:
        change(handle)
    return buffer.getvalue()


def test_an_external_link_to_a_local_file_is_refused(tmp_path, keras_bytes, canary):
    with h5py.File(canary.secret.with_suffix(".h5"), "w") as secret:
        secret["data"] = np.ones((3, 4), "float32")

    def link(handle):
        del handle["layers/dense/vars/0"]
        handle["layers/dense/vars/0"] = h5py.ExternalLink(str(canary.secret.with_suffix(".h5")), "/data")

    data = _weights_with(keras_bytes["weights"], link)
    (tmp_path / "link.weights.h5").write_bytes(data)
    with pytest.raises(ArchiveSecurityError, match="ExternalLink"):
        _model().load_weights(tmp_path / "link.weights.h5")
    members = {**keras_bytes["members"], "model.weights.h5": data}
    with pytest.raises(ArchiveSecurityError, match="ExternalLink"):
        oi.load_model(_write_keras(tmp_path / "link.keras", members))
    canary.assert_untouched()


@pytest.mark.parametrize("storage", ["external", "virtual", "filter"])
def test_external_virtual_and_unusual_filter_storage_is_refused(tmp_path, keras_bytes, storage):
    def change(handle):
        del handle["layers/dense/vars/1"]
        if storage == "external":
            handle.create_dataset("layers/dense/vars/1", shape=(4,), dtype="float32",
                                  external=[(str(tmp_path / "raw.bin"), 0, 16)])
        elif storage == "virtual":
            layout = h5py.VirtualLayout(shape=(4,), dtype="float32")
            layout[:] = h5py.VirtualSource(str(tmp_path / "other.h5"), "x", shape=(4,))
            handle.create_virtual_dataset("layers/dense/vars/1", layout)
        else:
            handle.create_dataset("layers/dense/vars/1", data=np.zeros(4, "float32"), scaleoffset=2)

    (tmp_path / "raw.bin").write_bytes(bytes(16))
    path = tmp_path / "storage.weights.h5"
    path.write_bytes(_weights_with(keras_bytes["weights"], change))
    with pytest.raises(ArchiveSecurityError, match=storage if storage != "filter" else "filter"):
        _model().load_weights(path)


def test_a_dataset_declaring_2_to_the_40_elements_is_refused_before_allocation(tmp_path, keras_bytes):
    def huge(handle):
        del handle["layers/dense/vars/1"]
        handle.create_dataset("layers/dense/vars/1", shape=(2 ** 40,), dtype="float32", chunks=(1024,))

    path = tmp_path / "huge.weights.h5"
    path.write_bytes(_weights_with(keras_bytes["weights"], huge))
    assert path.stat().st_size < 1 << 20
    with pytest.raises(ResourceLimitError, match="bytes"):
        _model().load_weights(path)


def test_the_number_of_objects_is_bounded(tmp_path, keras_bytes):
    def many(handle):
        for index in range(60):
            handle.create_group(f"padding/{index}")

    path = tmp_path / "many.weights.h5"
    path.write_bytes(_weights_with(keras_bytes["weights"], many))
    with pytest.raises(ResourceLimitError, match="objects"):
        _model().load_weights(path, limits=LoadLimits(max_tensors=50))


def test_a_zip_bomb_member_is_refused(tmp_path, keras_bytes):
    members = {**keras_bytes["members"], "config.json": b" " * (50 << 20)}
    path = _write_keras(tmp_path / "bomb.keras", members, compression=zipfile.ZIP_DEFLATED)
    assert path.stat().st_size < 1 << 20
    with pytest.raises(ResourceLimitError):
        oi.load_model(path)


def test_an_unexpected_archive_member_is_refused(tmp_path, keras_bytes):
    path = _write_keras(tmp_path / "extra.keras", {**keras_bytes["members"], "assets/../../evil.py": b"x"})
    with pytest.raises(ArchiveSecurityError):
        oi.load_model(path)


@pytest.mark.parametrize("kind", ["keras", "weights"])
def test_truncated_files_are_refused_at_every_offset(tmp_path, keras_bytes, kind):
    whole = (_write_keras(tmp_path / "whole.keras", keras_bytes["members"]).read_bytes() if kind == "keras"
             else keras_bytes["weights"])
    path = tmp_path / ("cut.keras" if kind == "keras" else "cut.weights.h5")
    for offset in sorted(set(np.linspace(0, len(whole) - 1, 40).astype(int))):
        path.write_bytes(whole[:offset])
        with pytest.raises(ModelFileError):
            if kind == "keras":
                oi.load_model(path)
            else:
                _model().load_weights(path)


def test_a_weights_only_h5_given_to_load_model_says_so(tmp_path, keras_bytes):
    path = tmp_path / "weights.h5"
    path.write_bytes(keras_bytes["weights"])
    with pytest.raises(ModelFileError, match="load_weights"):
        oi.load_model(path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["keras", "weights"]), cut=st.floats(0.05, 1.0),
       flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 7)), min_size=1, max_size=4))
def test_fuzzed_keras_files_never_escape_the_library_errors(tmp_path, keras_bytes, kind, cut, flips):
    whole = bytearray(_write_keras(tmp_path / "fuzz-source.keras", keras_bytes["members"]).read_bytes()
                      if kind == "keras" else keras_bytes["weights"])
    for where, bit in flips:
        whole[min(int(where * len(whole)), len(whole) - 1)] ^= 1 << bit
    data = bytes(whole[:max(1, int(cut * len(whole)))])
    path = tmp_path / ("fuzz.keras" if kind == "keras" else "fuzz.weights.h5")
    path.write_bytes(data)
    try:
        if kind == "keras":
            oi.load_model(path)
        else:
            _model().load_weights(path)
    except ModelFileError:
        pass


def test_a_hard_link_cycle_is_refused(tmp_path, keras_bytes):
    def cycle(handle):
        handle["layers/dense/loop"] = handle["layers"]

    path = tmp_path / "cycle.weights.h5"
    path.write_bytes(_weights_with(keras_bytes["weights"], cycle))
    with pytest.raises(ArchiveSecurityError, match="already linked"):
        _model().load_weights(path)


def test_a_config_declaring_layers_larger_than_the_file_is_refused_before_allocating(tmp_path, keras_bytes):
    def huge(config):
        config["config"]["layers"][1]["config"]["units"] = 10 ** 9

    with pytest.raises(ResourceLimitError, match="declares larger layers"):
        oi.load_model(_write_keras(tmp_path / "huge.keras", _config_with(keras_bytes, huge)))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_rewritten_keras_config_values_never_escape_the_library_errors(tmp_path, keras_bytes, data):
    """Any value in config.json replaced by another JSON value: loaded, or refused with one of
    Oneiros's errors (a ModelFileError, or an unknown-name error naming what the file asked for)."""
    config = json.loads(keras_bytes["members"]["config.json"])
    places = []

    def collect(value, path):
        places.append(path)
        children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, child in children:
            collect(child, (*path, key))

    collect(config, ())
    where = data.draw(st.sampled_from(places[1:]))
    replacement = data.draw(st.one_of(st.none(), st.booleans(), st.integers(-3, 10 ** 12), st.text(max_size=5),
                                      st.lists(st.integers(0, 3), max_size=3), st.just({}), st.just({"a": 1})))
    holder = config
    for key in where[:-1]:
        holder = holder[key]
    holder[where[-1]] = replacement
    members = {**keras_bytes["members"], "config.json": json.dumps(config).encode()}
    try:
        oi.load_model(_write_keras(tmp_path / "rewritten.keras", members))
    except OneirosError:
        pass
    try:
        oi.models.model_from_json(json.dumps(config))
    except OneirosError:
        pass
