"""Fixtures for the saving tests: small models and files, and canaries for forbidden side effects."""

from __future__ import annotations

import builtins
import io
import json
import os
import socket
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers

CANARY_MODULE = "oneiros_canary_payload"


@dataclass
class Canary:
    """Side effects a hostile file would like to cause, each recorded if it happens.

    ``path`` is created by importing the module ``CANARY_MODULE`` (on sys.path for the test), by
    running ``command`` in a shell, or by evaluating ``expression``; ``calls`` records calls of
    os.system / subprocess / socket connections, and ``opened`` every file opened by name.
    """

    path: Path
    secret: Path
    calls: list = field(default_factory=list)
    opened: list = field(default_factory=list)

    @property
    def command(self) -> str:
        return f"touch {self.path}"

    @property
    def expression(self) -> str:
        return f"__import__('pathlib').Path({str(self.path)!r}).write_text('evaluated')"

    def assert_untouched(self) -> None:
        assert not self.path.exists(), f"a side effect happened: {self.path.read_text()!r}"
        assert self.calls == []
        assert CANARY_MODULE not in sys.modules
        assert not [name for name in self.opened if str(self.secret) in name or "://" in name]
        assert oi.saving.safe_mode_enabled()


@pytest.fixture
def canary(tmp_path, monkeypatch):
    target = tmp_path / "CANARY"
    secret = tmp_path / "secret.txt"
    secret.write_text("vocabulary an attacker wants read")
    modules = tmp_path / "modules"
    modules.mkdir()
    (modules / f"{CANARY_MODULE}.py").write_text(
        f"import pathlib\npathlib.Path({str(target)!r}).write_text('imported')\n"
        "def system(*args, **kwargs):\n"
        f"    pathlib.Path({str(target)!r}).write_text('called')\n"
        "class Payload:\n"
        "    @classmethod\n"
        "    def from_config(cls, config):\n"
        f"        pathlib.Path({str(target)!r}).write_text('from_config')\n"
    )
    monkeypatch.syspath_prepend(str(modules))
    recorded = Canary(target, secret)

    def recorder(name):
        def record(*args, **kwargs):
            recorded.calls.append((name, args))
            raise AssertionError(f"{name} was called during a load")
        return record

    monkeypatch.setattr(os, "system", recorder("os.system"))
    monkeypatch.setattr(subprocess, "Popen", recorder("subprocess.Popen"))
    monkeypatch.setattr(socket, "create_connection", recorder("socket.create_connection"))
    monkeypatch.setattr(socket.socket, "connect", recorder("socket.connect"))
    real_open = builtins.open

    def spying_open(file, *args, **kwargs):
        recorded.opened.append(os.fspath(file) if isinstance(file, (str, os.PathLike)) else repr(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spying_open)
    monkeypatch.setattr(io, "open", spying_open)
    yield recorded
    sys.modules.pop(CANARY_MODULE, None)


def small_model(seed: int = 3) -> oi.Model:
    """A compiled Sequential model with deterministic, distinct weights."""
    model = oi.Sequential([layers.Input((3,)), layers.Dense(4, activation="relu", name="hidden"),
                           layers.Dense(2, name="out")], name="small")
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer="adam", loss="mse")
    return model


@pytest.fixture
def small_model_file(tmp_path):
    """A saved small model (numpy backend) and the model itself."""
    with oi.backend_scope("numpy"):
        model = small_model()
        path = model.save(tmp_path / "small.oneiros")
    return path, model


def read_members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def write_zip(path: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]],
              compression: int = zipfile.ZIP_STORED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return path


def safetensors_bytes(header: dict, data: bytes = b"", header_length: int | None = None) -> bytes:
    """A safetensors buffer built by hand, so that it can lie in any way a test needs."""
    text = json.dumps(header).encode()
    length = len(text) if header_length is None else header_length
    return length.to_bytes(8, "little") + text + data


@pytest.fixture
def files():
    """The helpers above, for the test modules."""
    return type("Files", (), {"read_members": staticmethod(read_members), "write_zip": staticmethod(write_zip),
                              "safetensors_bytes": staticmethod(safetensors_bytes),
                              "small_model": staticmethod(small_model)})
