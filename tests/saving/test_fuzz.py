"""Fuzzing load_model: whatever a mutated model file holds, loading either succeeds or raises one of
Oneiros's own exception types, quickly and without large allocations.

Mutations: truncation, bit flips, rewritten safetensors headers (dtype, shape, offsets, the length
field) and rewritten JSON values and types anywhere in config.json and metadata.json. The file
is a trained model with optimizer state, so every part of the format is exercised.
"""

from __future__ import annotations

import json
import os
import struct
import time
import tracemalloc
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import oneiros as oi
from oneiros import layers
from oneiros.errors import OneirosError

CONFIG, METADATA, WEIGHTS = "config.json", "metadata.json", "model.weights.safetensors"
SECONDS_PER_LOAD = 2.0
BYTES_PER_LOAD = 64 * 1024 * 1024
DEEP_RUN = os.environ.get("ONEIROS_FUZZ_EXAMPLES")
"""Unset: a fixed, quick set of examples per test. Set to N: N fresh random examples per test."""
FUZZ = settings(max_examples=int(DEEP_RUN or 120), deadline=None, derandomize=not DEEP_RUN, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def valid_file(tmp_path_factory):
    """The bytes of a small trained functional model (optimizer state included) and its members."""
    oi.set_random_seed(11)
    inputs = layers.Input((3,))
    hidden = layers.Dense(5, activation="relu", name="hidden")(inputs)
    hidden = layers.Dropout(0.1, name="drop")(hidden)
    outputs = layers.Dense(2, name="out")(hidden)
    model = oi.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    model.fit(x, x[:, :2], epochs=1, batch_size=8, verbose=0)
    path = model.save(tmp_path_factory.mktemp("fuzz") / "valid.oneiros")
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    return ValidFile(path.read_bytes(), members)


class ValidFile(tuple):
    """``(data, members)``, shown briefly in hypothesis's reports of failing examples."""

    def __new__(cls, data: bytes, members: dict[str, bytes]):
        return super().__new__(cls, (data, members))

    def __repr__(self) -> str:
        return f"<valid model file of {len(self[0])} bytes>"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """One folder for every example (each overwrites the same file)."""
    return tmp_path_factory.mktemp("mutated")


def check_load(workdir, data: bytes) -> None:
    """The assertion of every fuzz case: Oneiros errors only, bounded in time and memory."""
    path = workdir / "mutated.oneiros"
    path.write_bytes(data)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        oi.load_model(path, backend="numpy")
    except OneirosError:
        pass
    finally:
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert elapsed < SECONDS_PER_LOAD
    assert peak < BYTES_PER_LOAD


def archive(members: dict[str, bytes]) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name, content in members.items():
            target.writestr(name, content)
    return buffer.getvalue()


def test_the_unmutated_file_loads(valid_file, tmp_path):
    data, _ = valid_file
    path = tmp_path / "valid.oneiros"
    path.write_bytes(data)
    assert isinstance(oi.load_model(path, backend="numpy"), oi.Model)


@FUZZ
@given(fraction=st.floats(0, 1, exclude_max=True))
def test_truncated_files(valid_file, workdir, fraction):
    data, _ = valid_file
    check_load(workdir, data[:int(fraction * len(data))])


@FUZZ
@given(flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 7)), min_size=1, max_size=24))
def test_bit_flips(valid_file, workdir, flips):
    data, _ = valid_file
    mutated = bytearray(data)
    for where, bit in flips:
        mutated[int(where * len(data))] ^= 1 << bit
    check_load(workdir, bytes(mutated))


@FUZZ
@given(flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 7)), min_size=1, max_size=8),
       member=st.sampled_from([CONFIG, METADATA, WEIGHTS]))
def test_bit_flips_inside_a_member(valid_file, workdir, flips, member):
    """Flips under a valid zip layer (the CRC is recomputed), so they reach the parsers."""
    _, members = valid_file
    content = bytearray(members[member])
    for where, bit in flips:
        content[int(where * len(content))] ^= 1 << bit
    check_load(workdir, archive({**members, member: bytes(content)}))


INTERESTING_INTS = st.sampled_from([0, 1, -1, 2, 3, 5, 48, 2**31 - 1, 2**31, 2**32, 2**53, 2**62, 2**63, 2**64,
                                    -2**63, 10**12])
INTERESTING_TEXT = st.sampled_from(["F32", "F16", "BF16", "F64", "I64", "U8", "BOOL", "float32", "bfloat16",
                                    "core>Dense", "core>Lambda", "core>Sequential", "core>Functional", "Dense",
                                    "os>system", "relu", "adam", "mse", "hidden", "out", "", "..", "optimizer/"])
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | INTERESTING_INTS | st.integers() | st.floats() | INTERESTING_TEXT
    | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(INTERESTING_TEXT | st.sampled_from(["class_name", "config", "shape", "units", "dtype",
                                                          "name", "node", "index", "layers", "nodes"]),
                      children, max_size=4),
    max_leaves=8,
)


def json_paths(value, prefix=()):
    """Every position in a JSON document, as a tuple of keys and indices."""
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from json_paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from json_paths(child, (*prefix, index))


def replaced(document, path, value):
    if not path:
        return None if value is DELETE else value
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    if value is DELETE and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = None if value is DELETE else value
    return document


DELETE = object()


@FUZZ
@given(data=st.data(), member=st.sampled_from([CONFIG, CONFIG, CONFIG, METADATA]))
def test_rewritten_json_values_and_types(valid_file, workdir, data, member):
    _, members = valid_file
    document = json.loads(members[member])
    for _ in range(data.draw(st.integers(1, 3))):
        paths = list(json_paths(document))
        path = data.draw(st.sampled_from(paths))
        value = data.draw(JSON_VALUES | st.just(DELETE))
        document = replaced(document, path, value)
    check_load(workdir, archive({**members, member: json.dumps(document).encode()}))


def split_safetensors(content: bytes) -> tuple[dict, bytes]:
    (length,) = struct.unpack("<Q", content[:8])
    return json.loads(content[8:8 + length]), content[8 + length:]


@FUZZ
@given(data=st.data())
def test_rewritten_safetensors_headers(valid_file, workdir, data):
    _, members = valid_file
    header, payload = split_safetensors(members[WEIGHTS])
    for _ in range(data.draw(st.integers(1, 3))):
        paths = [path for path in json_paths(header) if path]
        path = data.draw(st.sampled_from(paths))
        header = replaced(header, path, data.draw(JSON_VALUES | INTERESTING_INTS | st.just(DELETE)))
    text = json.dumps(header).encode()
    length = data.draw(st.just(len(text)) | INTERESTING_INTS.filter(lambda n: 0 <= n < 2**64)
                       | st.integers(0, len(text) + 64))
    payload = payload[:data.draw(st.integers(0, len(payload)))] if data.draw(st.booleans()) else payload
    content = struct.pack("<Q", length) + text + payload
    check_load(workdir, archive({**members, WEIGHTS: content}))
