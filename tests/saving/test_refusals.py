"""Every refusal of issue 7, each with a canary showing the hostile side effect did not happen.

Hostile files are built by hand (zipfile, hand-written safetensors headers), so each one lies in
exactly one way; the expected error type is the oracle, the canary the proof that nothing ran.
"""

from __future__ import annotations

import base64
import copy
import json
import marshal
import stat
import struct
import tracemalloc
import zipfile

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers
from oneiros.errors import (ArchiveSecurityError, CorruptFileError, ModelFileError, OneirosError,
                            ResourceLimitError, UnknownNameError, UnsafeConfigError, WeightsMismatchError)
from oneiros.saving import LoadLimits

CONFIG, METADATA, WEIGHTS = "config.json", "metadata.json", "model.weights.safetensors"


def rewritten(files, source, target, **replaced):
    """A copy of the archive ``source`` at ``target`` with some members' bytes replaced."""
    members = {**files.read_members(source), **replaced}
    return files.write_zip(target, list(members.items()))


def with_config(files, small_model_file, tmp_path, edit):
    path, _ = small_model_file
    config = json.loads(files.read_members(path)[CONFIG])
    edit(config)
    return rewritten(files, path, tmp_path / "edited.oneiros", **{CONFIG: json.dumps(config).encode()})


def load(path, **options):
    return oi.load_model(path, backend="numpy", **options)


# Names: only registered names resolve; nothing named by a file is imported or called.

HOSTILE_CLASS_NAMES = ["os>system", "builtins>eval", "os.system", "builtins.eval", "subprocess.Popen",
                       "oneiros_canary_payload>Payload", "oneiros_canary_payload.Payload",
                       "oneiros_canary_payload:Payload", "core>safe_mode_scope", "oneiros.saving.safe_mode_scope",
                       "core>load_model", "oneiros.utils.get_file", "__import__"]


@pytest.mark.parametrize("class_name", HOSTILE_CLASS_NAMES)
def test_a_hostile_layer_class_name_is_an_unknown_name(files, small_model_file, tmp_path, canary, class_name):
    def edit(config):
        config["config"]["layers"][1] = {"class_name": class_name, "config": {
            "command": canary.command, "source": canary.expression, "name": "payload"}}

    with pytest.raises(UnknownNameError, match="Unknown layers"):
        load(with_config(files, small_model_file, tmp_path, edit))
    canary.assert_untouched()


@pytest.mark.parametrize("class_name", ["os>system", "oneiros_canary_payload.Payload", "builtins.eval"])
def test_a_hostile_top_level_class_name_is_an_unknown_name(files, small_model_file, tmp_path, canary, class_name):
    def edit(config):
        config["class_name"] = class_name
        config["config"] = {"command": canary.command}

    with pytest.raises(UnknownNameError):
        load(with_config(files, small_model_file, tmp_path, edit))
    with pytest.raises(UnknownNameError):
        oi.models.model_from_json(json.dumps({"class_name": class_name, "config": {"source": canary.expression}}))
    canary.assert_untouched()


@pytest.mark.parametrize("where, value", [
    ("optimizer", {"class_name": "os>system", "config": {"command": "x"}}),
    ("optimizer", {"class_name": "oneiros_canary_payload.Payload", "config": {}}),
    ("loss", {"class_name": "builtins>eval", "config": {}}),
    ("loss", "oneiros_canary_payload.system"),
    ("metrics", ["os.system"]),
])
def test_a_hostile_compile_config_is_an_unknown_name(files, small_model_file, tmp_path, canary, where, value):
    def edit(config):
        config["compile_config"][where] = value

    with pytest.raises(UnknownNameError):
        load(with_config(files, small_model_file, tmp_path, edit))
    canary.assert_untouched()


@pytest.mark.parametrize("field, value", [
    ("activation", "oneiros_canary_payload.system"),
    ("activation", "os.system"),
    ("kernel_initializer", {"class_name": "oneiros_canary_payload>Payload", "config": {}}),
    ("kernel_initializer", {"class_name": "builtins.eval", "config": {}}),
])
def test_hostile_names_inside_a_layer_config_do_not_resolve(files, small_model_file, tmp_path, canary, field,
                                                           value):
    def edit(config):
        config["config"]["layers"][1]["config"][field] = value

    with pytest.raises(UnknownNameError):
        load(with_config(files, small_model_file, tmp_path, edit))
    canary.assert_untouched()


def test_paths_and_urls_in_a_config_are_never_opened(files, small_model_file, tmp_path, canary):
    def edit(config):
        dense = config["config"]["layers"][1]["config"]
        dense["vocabulary"] = str(canary.secret)
        dense["weights_url"] = "https://example.invalid/weights.h5"

    with pytest.raises(CorruptFileError, match="unexpected keyword"):
        load(with_config(files, small_model_file, tmp_path, edit))
    canary.assert_untouched()


def test_a_config_asking_to_leave_safe_mode_is_ignored(files, small_model_file, tmp_path, canary):
    def edit(config):
        config["safe_mode"] = False
        config["config"]["safe_mode"] = False
        config["config"]["layers"].insert(1, {"class_name": "core>Lambda", "config": {
            "name": "lambda", "function": None, "unsafe": True, "safe_mode": False}})

    with pytest.raises(UnsafeConfigError):
        load(with_config(files, small_model_file, tmp_path, edit))
    canary.assert_untouched()


# Lambda layers carry code: refused on every path that builds objects from a config.

def keras_style_lambda_config(canary):
    """A Lambda entry as a hostile file would write it: marshalled bytecode that would create the
    canary file if anything ever ran it."""
    bytecode = marshal.dumps(compile(canary.expression, "<payload>", "exec"))
    return {"class_name": "core>Lambda", "config": {
        "name": "lambda", "trainable": True, "dtype": "float32", "unsafe": True,
        "function": {"class_name": "__lambda__", "config": {"code": base64.b64encode(bytecode).decode()}}}}


@pytest.fixture
def lambda_model_config(canary):
    with oi.backend_scope("numpy"):
        model = oi.Sequential([layers.Input((3,)), layers.Lambda(lambda x: oi.ops.multiply(x, 2.0)),
                               layers.Dense(2)])
    config = json.loads(model.to_json())
    config["config"]["layers"][1] = keras_style_lambda_config(canary)
    return model, config


def test_a_lambda_layer_is_refused_by_load_model(lambda_model_config, tmp_path, canary):
    model, config = lambda_model_config
    with oi.backend_scope("numpy"):
        path = model.save(tmp_path / "lambda.oneiros")
    with pytest.raises(UnsafeConfigError, match="safe_mode"):
        load(path)
    hostile = tmp_path / "hostile.oneiros"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(hostile, "w") as target:
        target.writestr(CONFIG, json.dumps(config))
        target.writestr(METADATA, source.read(METADATA))
        target.writestr(WEIGHTS, source.read(WEIGHTS))
    with pytest.raises(UnsafeConfigError):
        load(hostile)
    canary.assert_untouched()


def test_a_lambda_layer_is_refused_by_model_from_json(lambda_model_config, canary):
    model, config = lambda_model_config
    for text in (model.to_json(), json.dumps(config)):
        with pytest.raises(UnsafeConfigError):
            oi.models.model_from_json(text)
        with pytest.raises(UnsafeConfigError):
            oi.saving.model_from_json(text, safe_mode=True)
    canary.assert_untouched()


def test_a_lambda_layer_is_refused_by_from_config_outside_any_load(lambda_model_config, canary):
    """No load call sets the flag here: from_config itself fails closed."""
    _, config = lambda_model_config
    with pytest.raises(UnsafeConfigError):
        oi.Sequential.from_config(copy.deepcopy(config["config"]))
    with pytest.raises(UnsafeConfigError):
        layers.Lambda.from_config(copy.deepcopy(config["config"]["layers"][1]["config"]))
    canary.assert_untouched()


def test_safe_mode_must_be_a_bool(small_model_file):
    path, _ = small_model_file
    with pytest.raises(TypeError, match="safe_mode"):
        load(path, safe_mode="no")
    assert oi.saving.safe_mode_enabled()


# Archive hygiene.

def archive_variants(members):
    """(description, entries) for every hostile archive layout, each also holding the real members."""
    link = zipfile.ZipInfo(CONFIG)
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    folder = zipfile.ZipInfo(f"{WEIGHTS}/")
    real = list(members.items())
    return [
        ("parent traversal", real + [("../escaped.json", b"{}")]),
        ("nested traversal", real + [("x/../../escaped.json", b"{}")]),
        ("absolute", real + [("/tmp/escaped.json", b"{}")]),
        ("drive letter", real + [("C:/escaped.json", b"{}")]),
        ("backslash", real + [("..\\escaped.json", b"{}")]),
        ("backslash name", [(f"dir\\{CONFIG}", members[CONFIG])] + real[1:]),
        ("symlink", [(link, b"/etc/passwd")] + real[1:]),
        ("folder", real + [(folder, b"")]),
        ("extra member", real + [("payload.py", b"import os")]),
        ("duplicate member", real + [(CONFIG, members[CONFIG])]),
    ]


@pytest.mark.parametrize("index", range(10))
def test_archive_members_outside_the_format_are_refused(files, small_model_file, tmp_path, canary, index):
    path, _ = small_model_file
    description, entries = archive_variants(files.read_members(path))[index]
    workdir = tmp_path / "work"
    workdir.mkdir()
    hostile = workdir / "hostile.oneiros"
    with pytest.warns(UserWarning, match="Duplicate") if description == "duplicate member" else _no_warning():
        files.write_zip(hostile, entries)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    with pytest.raises(ArchiveSecurityError):
        load(hostile)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before, description
    canary.assert_untouched()


class _no_warning:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_a_missing_member_is_a_corrupt_file(files, small_model_file, tmp_path):
    path, _ = small_model_file
    members = files.read_members(path)
    del members[METADATA]
    with pytest.raises(CorruptFileError, match="metadata.json"):
        load(files.write_zip(tmp_path / "short.oneiros", list(members.items())))


def forbid_decompression(monkeypatch):
    """From now on, fails the test if any archive member is opened for reading (decompressed)."""
    opened = []

    def refuse(self, name, *args, **kwargs):
        opened.append(name)
        raise AssertionError(f"member {name} was decompressed")

    monkeypatch.setattr(zipfile.ZipFile, "open", refuse)
    return opened


def patch_declared_size(data: bytes, member: str, size: int) -> bytes:
    """The archive bytes with ``member``'s uncompressed size rewritten in the central directory."""
    position = data.index(b"PK\x01\x02")
    while True:
        name_length, = struct.unpack("<H", data[position + 28:position + 30])
        name = data[position + 46:position + 46 + name_length].decode()
        if name == member:
            return data[:position + 24] + struct.pack("<I", size) + data[position + 28:]
        extra, comment = struct.unpack("<HH", data[position + 30:position + 34])
        position += 46 + name_length + extra + comment


def test_a_declared_huge_member_is_refused_before_decompressing(small_model_file, tmp_path, monkeypatch):
    path, _ = small_model_file
    hostile = tmp_path / "declared.oneiros"
    hostile.write_bytes(patch_declared_size(path.read_bytes(), CONFIG, 0xFFFF_FFF0))
    no_decompression = forbid_decompression(monkeypatch)
    with pytest.raises(ResourceLimitError, match="declares 4294967280 bytes"):
        load(hostile)
    assert no_decompression == []


def test_a_zip_bomb_is_refused_by_its_ratio_before_decompressing(files, small_model_file, tmp_path, monkeypatch):
    path, _ = small_model_file
    members = files.read_members(path)
    bomb = json.dumps({"padding": " " * 12_000_000}).encode()
    hostile = tmp_path / "bomb.oneiros"
    with zipfile.ZipFile(hostile, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, bomb if name == CONFIG else data)
    assert hostile.stat().st_size < 100_000
    no_decompression = forbid_decompression(monkeypatch)
    with pytest.raises(ResourceLimitError, match="ratio limit 200"):
        load(hostile)
    assert no_decompression == []


def test_limits_are_configurable(small_model_file):
    path, _ = small_model_file
    with pytest.raises(ResourceLimitError, match="limit is 100"):
        load(path, limits=LoadLimits(max_archive_bytes=100))
    with pytest.raises(ResourceLimitError, match="limit is 64"):
        load(path, limits=LoadLimits(max_weights_bytes=64))
    with pytest.raises(ResourceLimitError, match="limit is 50"):
        load(path, limits=LoadLimits(max_config_bytes=50))
    assert isinstance(load(path, limits=LoadLimits(max_compression_ratio=1000)), oi.Model)


def test_a_member_lying_about_its_size_expands_no_further_than_declared(files, small_model_file, tmp_path):
    """The central directory claims 1,000 bytes; the data inflates to 30 MB. Reading stops at the
    declared size, so memory stays small and the lie is a corrupt file."""
    path, _ = small_model_file
    members = files.read_members(path)
    hostile = tmp_path / "liar.oneiros"
    with zipfile.ZipFile(hostile, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, b" " * 30_000_000 if name == CONFIG else data)
    data = patch_declared_size(hostile.read_bytes(), CONFIG, 1000)
    hostile.write_bytes(data)
    tracemalloc.start()
    try:
        with pytest.raises(ModelFileError):
            load(hostile)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000


# JSON limits.

@pytest.fixture
def no_layer_built(monkeypatch):
    built = []

    def refuse(entry):
        built.append(entry)
        raise AssertionError("a layer was built from an over-limit config")

    monkeypatch.setattr("oneiros.models._graph_config.layer_from_config", refuse)
    return built


@pytest.mark.parametrize("depth", [101, 500, 200_000])
def test_deeply_nested_json_is_refused(files, small_model_file, tmp_path, no_layer_built, depth):
    path, _ = small_model_file
    nested = "[" * depth + "]" * depth
    config = b'{"class_name": "core>Sequential", "config": ' + nested.encode() + b"}"
    with pytest.raises(ResourceLimitError, match="nests"):
        load(rewritten(files, path, tmp_path / "deep.oneiros", **{CONFIG: config}))
    with pytest.raises(ResourceLimitError, match="nests"):
        oi.models.model_from_json(config.decode())
    assert no_layer_built == []


def test_json_within_the_depth_limit_is_parsed(files, small_model_file, tmp_path):
    path, _ = small_model_file
    members = files.read_members(path)
    metadata = json.loads(members[METADATA])
    metadata["note"] = json.loads("[" * 90 + "]" * 90)
    assert isinstance(load(rewritten(files, path, tmp_path / "ok.oneiros",
                                     **{METADATA: json.dumps(metadata).encode()})), oi.Model)


# The safetensors header is validated before anything is read or allocated.

def kernel_entries():
    """A valid two-tensor header for a (3, 4) float32 kernel and a (4,) bias, and its data."""
    header = {"dense/kernel": {"dtype": "F32", "shape": [3, 4], "data_offsets": [0, 48]},
              "dense/bias": {"dtype": "F32", "shape": [4], "data_offsets": [48, 64]}}
    return header, np.arange(16, dtype=np.float32).tobytes()


def broken_headers():
    def edit(change):
        header, data = kernel_entries()
        change(header)
        return header, data

    return {
        "offsets past the end": edit(lambda h: h["dense/bias"].update(data_offsets=[48, 10**12])),
        "offsets reversed": edit(lambda h: h["dense/bias"].update(data_offsets=[64, 48])),
        "negative offset": edit(lambda h: h["dense/kernel"].update(data_offsets=[-16, 48])),
        "overlap": edit(lambda h: h["dense/bias"].update(data_offsets=[32, 48],
                                                          shape=[4])),
        "hole": edit(lambda h: h["dense/kernel"].update(data_offsets=[0, 40], shape=[10])),
        "wrong length": edit(lambda h: h["dense/kernel"].update(shape=[3, 5])),
        "shape bomb": edit(lambda h: h["dense/kernel"].update(shape=[10**6, 10**6, 10**6])),
        "shape overflowing 64 bits": edit(lambda h: h.update({"dense/kernel": {
            "dtype": "F32", "shape": [2**62, 4], "data_offsets": [0, 0]}, "pad": {
            "dtype": "U8", "shape": [48], "data_offsets": [0, 48]}})),
        "negative dimension": edit(lambda h: h["dense/kernel"].update(shape=[-3, -4])),
        "float dimension": edit(lambda h: h["dense/kernel"].update(shape=[3.0, 4])),
        "bool dimension": edit(lambda h: h["dense/bias"].update(shape=[True, 4])),
        "unknown dtype": edit(lambda h: h["dense/kernel"].update(dtype="F128")),
        "unsupported dtype": edit(lambda h: h["dense/kernel"].update(dtype="C64", shape=[3, 2])),
        "extra entry field": edit(lambda h: h["dense/kernel"].update(url="https://example.invalid")),
        "entry not an object": edit(lambda h: h.update({"dense/bias": [48, 64]})),
        "metadata not strings": edit(lambda h: h.update(__metadata__={"epoch": 3})),
    }


@pytest.fixture
def no_tensor_read(monkeypatch):
    import safetensors.numpy

    reads = []

    def refuse(data):
        reads.append(len(data))
        raise AssertionError("safetensors read a buffer whose header was not validated")

    monkeypatch.setattr(safetensors.numpy, "load", refuse)
    return reads


@pytest.mark.parametrize("case", sorted(broken_headers()))
def test_a_broken_safetensors_header_is_refused_before_reading(files, small_model_file, tmp_path, no_tensor_read,
                                                               case):
    header, data = broken_headers()[case]
    buffer = files.safetensors_bytes(header, data)
    weights_file = tmp_path / "weights.safetensors"
    weights_file.write_bytes(buffer)
    _, model = small_model_file
    before = model.get_weights()
    with oi.backend_scope("numpy"), pytest.raises(CorruptFileError):
        model.load_weights(weights_file)
    path, _ = small_model_file
    with pytest.raises(CorruptFileError):
        load(rewritten(files, path, tmp_path / "hostile.oneiros", **{WEIGHTS: buffer}))
    assert no_tensor_read == []
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)


@pytest.mark.parametrize("claimed", [2**63, 2**40, 16 * 1024 * 1024 + 1])
def test_a_huge_header_length_is_refused_without_allocating(files, tmp_path, no_tensor_read, small_model_file,
                                                           claimed):
    header, data = kernel_entries()
    weights_file = tmp_path / "weights.safetensors"
    weights_file.write_bytes(files.safetensors_bytes(header, data, header_length=claimed))
    _, model = small_model_file
    tracemalloc.start()
    try:
        with oi.backend_scope("numpy"), pytest.raises(ResourceLimitError, match="header claims"):
            model.load_weights(weights_file)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000
    assert no_tensor_read == []


def test_a_header_longer_than_the_file_is_corrupt(files, tmp_path, small_model_file):
    header, data = kernel_entries()
    weights_file = tmp_path / "weights.safetensors"
    weights_file.write_bytes(files.safetensors_bytes(header, data, header_length=4000))
    _, model = small_model_file
    with oi.backend_scope("numpy"), pytest.raises(CorruptFileError, match="header claims 4000 bytes"):
        model.load_weights(weights_file)


def test_the_hand_written_header_is_valid_when_unbroken(files, tmp_path):
    """The oracle for the tests above: the same header, unbroken, loads into a matching layer."""
    header, data = kernel_entries()
    weights_file = tmp_path / "weights.safetensors"
    weights_file.write_bytes(files.safetensors_bytes(header, data))
    with oi.backend_scope("numpy"):
        model = oi.Sequential([layers.Input((3,)), layers.Dense(4, name="hidden")])
        model.load_weights(weights_file)
        kernel, bias = model.get_weights()
    np.testing.assert_array_equal(kernel, np.arange(12, dtype=np.float32).reshape(3, 4))
    np.testing.assert_array_equal(bias, [12, 13, 14, 15])


# Weights must match the model: names, shapes, dtypes, finiteness; nothing is assigned otherwise.

def stored_weights(model):
    return {key: v.numpy() for key, v in model._storage_keys()}


@pytest.mark.parametrize("case", ["shape", "dtype", "missing", "extra", "nan", "inf"])
def test_mismatched_weights_are_refused_and_nothing_is_assigned(files, small_model_file, tmp_path, case):
    from safetensors.numpy import save

    _, model = small_model_file
    tensors = stored_weights(model)
    last = "dense_1/bias"  # assigned last: a partial assignment would change every other weight first
    if case == "shape":
        tensors[last] = np.zeros((3,), np.float32)
    elif case == "dtype":
        tensors[last] = tensors[last].astype(np.float16)
    elif case == "missing":
        del tensors[last]
    elif case == "extra":
        tensors["dense_1/gamma"] = np.zeros((2,), np.float32)
    else:
        tensors[last] = np.array([1.0, np.nan if case == "nan" else -np.inf], np.float32)
    tensors = {name: value + 1 if name != last and value.dtype == np.float32 else value
               for name, value in tensors.items()}
    weights_file = tmp_path / "weights.safetensors"
    weights_file.write_bytes(save(tensors))
    before = model.get_weights()
    with oi.backend_scope("numpy"), pytest.raises(WeightsMismatchError, match="dense_1/"):
        model.load_weights(weights_file)
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)


def test_non_finite_weights_are_refused_unless_allowed(tmp_path):
    with oi.backend_scope("numpy"):
        model = oi.Sequential([layers.Input((2,)), layers.Dense(2, name="dense")])
        kernel, bias = model.get_weights()
        kernel[0, 1] = np.nan
        bias[1] = np.inf
        model.set_weights([kernel, bias])
        path = model.save(tmp_path / "nan.oneiros")
        with pytest.raises(WeightsMismatchError, match="NaN or infinite"):
            oi.load_model(path)
        loaded = oi.load_model(path, allow_non_finite=True)
    np.testing.assert_array_equal(loaded.get_weights()[0], kernel)
    np.testing.assert_array_equal(loaded.get_weights()[1], bias)


def test_a_weights_file_written_for_another_model_is_refused(tmp_path):
    with oi.backend_scope("numpy"):
        wide = oi.Sequential([layers.Input((3,)), layers.Dense(5, name="hidden")])
        narrow = oi.Sequential([layers.Input((3,)), layers.Dense(4, name="hidden")])
        wide.save_weights(tmp_path / "wide.safetensors")
        with pytest.raises(WeightsMismatchError, match=r"shape \(3, 5\).*expects \(3, 4\)"):
            narrow.load_weights(tmp_path / "wide.safetensors")


# Saving refuses what it could not load back, before writing anything.

class Unregistered(layers.Layer):
    def build(self, input_shape):
        self.scale = self.add_weight((input_shape[-1],), "ones", name="scale")

    def call(self, inputs):
        return oi.ops.multiply(inputs, self.scale.value)


def test_a_model_with_an_unregistered_layer_refuses_to_save(tmp_path):
    with oi.backend_scope("numpy"):
        model = oi.Sequential([layers.Input((3,)), Unregistered(name="custom"), layers.Dense(2)])
        with pytest.raises(OneirosError, match=r"Unregistered.*not registered.*register_layers"):
            model.save(tmp_path / "model.oneiros")
        with pytest.raises(OneirosError, match="not registered"):
            model.to_json()
    assert list(tmp_path.iterdir()) == []


def test_a_failed_save_keeps_the_previous_file(small_model_file, tmp_path):
    path, _ = small_model_file
    original = path.read_bytes()
    with oi.backend_scope("numpy"):
        model = oi.Sequential([layers.Input((3,)), Unregistered(name="custom")])
        with pytest.raises(OneirosError):
            model.save(path)
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


@pytest.mark.parametrize("units", [10**7, 10**12])
def test_a_config_declaring_huge_layers_is_refused_before_allocating(files, small_model_file, tmp_path, units):
    """A few hundred bytes of config must not make the loader allocate what the file does not hold."""
    def edit(config):
        config["config"]["layers"][1]["config"]["units"] = units

    hostile = with_config(files, small_model_file, tmp_path, edit)
    tracemalloc.start()
    try:
        with pytest.raises(ResourceLimitError, match="hidden/kernel"):
            load(hostile)
        config = json.loads(files.read_members(hostile)[CONFIG])
        with pytest.raises(ResourceLimitError, match="hidden/kernel"):
            oi.models.model_from_json(json.dumps(config), limits=LoadLimits(max_weights_bytes=10**6))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000
