"""Saving under faults and reloading: the previous file survives a killed save or a full disk, strays
are cleaned up, file modes follow the umask, the optimizer state survives load -> save, and
wrong paths get errors naming them.

Oracles: weights generated from a seed, Adam slots compared between files, os.stat modes.
"""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import oneiros as oi
from oneiros.saving import load_model

WIDTH = 1024  # a 4 MB kernel: saves take long enough to be killed in the middle
KILLS = 3
MAX_TRIES = 20  # a save takes ~10 ms on a fast disk, so a kill can land between two saves
HERE = Path(__file__).parent


def known_weights():
    rng = np.random.default_rng(7)
    return [rng.normal(size=shape).astype("float32") for shape in [(WIDTH, WIDTH), (WIDTH,), (WIDTH, 4), (4,)]]


def _strays(folder: Path, name: str) -> list[Path]:
    return sorted(folder.glob(f".{name}.*.tmp")) + sorted(folder.glob(f".{name}.*.new"))


def _small_model():
    model = oi.Sequential([oi.layers.Input((3,)), oi.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    return model


@pytest.mark.slow
def test_sigkill_during_saves_leaves_the_previous_file_and_the_next_save_cleans_up(tmp_path):
    target = tmp_path / "big.oneiros"
    pacing = random.Random(20261206)
    expected = known_weights()
    strays_seen = 0
    for tries in range(1, MAX_TRIES + 1):
        worker = subprocess.Popen([sys.executable, str(HERE / "_saving_worker.py"), str(target), str(HERE)],
                                  stdout=subprocess.PIPE, text=True, env={**os.environ, "ONEIROS_BACKEND": "numpy"})
        try:
            assert worker.stdout.readline().strip() == "ready"
            deadline = time.monotonic() + 60
            while not _strays(tmp_path, target.name) and time.monotonic() < deadline:
                time.sleep(0.001)  # a save is under way once its temporary file exists
            time.sleep(pacing.uniform(0.0, 0.005))
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait()
        strays_seen += bool(_strays(tmp_path, target.name))
        if target.exists():
            for got, want in zip(load_model(target).get_weights(), expected):
                np.testing.assert_array_equal(got, want)
        if tries >= KILLS and strays_seen:
            break
    assert strays_seen >= 1, f"none of {MAX_TRIES} kills landed during a save"
    _small_model().save(target)
    assert _strays(tmp_path, target.name) == []
    assert load_model(target).get_weights()[0].shape == (3, 2)


def test_a_live_save_is_not_taken_for_a_stray(tmp_path):
    from oneiros.saving._atomic import atomic_write

    target = tmp_path / "m.bin"
    inner = []

    def write(stream):
        stream.write(b"outer")
        atomic_write(target, lambda s: inner.append(s.write(b"inner")))  # sees the outer's temporary file
        assert len(_strays(tmp_path, target.name)) == 1

    atomic_write(target, write)
    assert target.read_bytes() == b"outer" and inner == [5]


@pytest.fixture
def small_disk(tmp_path):
    """A 256 KB tmpfs where mounting is allowed; None (patch instead) elsewhere."""
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = shutil.which("mount") is not None and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)], capture_output=True).returncode == 0
    yield folder, mounted
    if mounted:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_full_disk_names_the_file_and_keeps_the_previous_one(small_disk, monkeypatch):
    folder, mounted = small_disk
    target = folder / "m.oneiros"
    small = _small_model()
    small.save(target)
    before = target.read_bytes()
    large = oi.Sequential([oi.layers.Input((WIDTH,)), oi.layers.Dense(WIDTH // 4)])  # 1 MB of weights
    if not mounted:  # no tmpfs: the disk fills up when the data is flushed
        def full(descriptor):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match=rf"Cannot save {target}: No space left on device") as caught:
        large.save(target)
    assert caught.value.errno == errno.ENOSPC and caught.value.filename == str(target)
    assert target.read_bytes() == before
    assert _strays(folder, target.name) == []


@pytest.fixture
def umask():
    def set_mask(mask):
        os.umask(mask)

    previous = os.umask(0o022)
    yield set_mask
    os.umask(previous)


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_files_follow_the_umask(tmp_path, umask, mask, mode):
    umask(mask)
    model = _small_model()
    model.save(tmp_path / "m.oneiros")
    model.save(tmp_path / "m.keras")
    model.save_weights(tmp_path / "m.weights.h5")
    model.export(tmp_path / "m.onnx")
    assert {path.name: _mode(path) for path in tmp_path.iterdir()} == {
        name: mode for name in ("m.oneiros", "m.keras", "m.weights.h5", "m.onnx")}


def test_an_overwritten_file_keeps_its_mode(tmp_path, umask):
    umask(0o077)
    target = tmp_path / "m.oneiros"
    target.write_bytes(b"old")
    os.chmod(target, 0o644)
    _small_model().save(target)
    assert _mode(target) == 0o644


def _optimizer_entries(path):
    import zipfile

    from safetensors.numpy import load

    with zipfile.ZipFile(path) as archive:
        tensors = load(archive.read("model.weights.safetensors"))
    return {key: value for key, value in tensors.items() if key.startswith("optimizer/")}


def test_load_then_save_keeps_the_optimizer_state(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 3)).astype("float32"), rng.normal(size=(64, 2)).astype("float32")
    model = _small_model()
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    first, second = tmp_path / "first.oneiros", tmp_path / "second.oneiros"
    model.save(first)
    reloaded = load_model(first)
    reloaded.evaluate(x, y, verbose=0)  # using the model does not drop the attached state
    reloaded.save(second)
    saved, resaved = _optimizer_entries(first), _optimizer_entries(second)
    assert len(saved) > 2 and saved.keys() == resaved.keys()
    for key in saved:
        np.testing.assert_array_equal(saved[key], resaved[key])
    resumed = [load_model(path) for path in (first, second)]
    for resumed_model in resumed:
        resumed_model.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    for a, b in zip(*(m.get_weights() for m in resumed)):
        np.testing.assert_array_equal(a, b)


def test_load_model_on_a_folder(tmp_path):
    with pytest.raises(IsADirectoryError, match=rf"{tmp_path} is a folder; expected a model or weights file"):
        load_model(tmp_path)


def test_load_model_on_an_onnx_file_points_to_the_onnx_loader(tmp_path):
    from oneiros.errors import OneirosError

    path = tmp_path / "m.onnx"
    _small_model().export(path)
    with pytest.raises(OneirosError, match=r"is an ONNX file.*oneiros_onnx.load_onnx"):
        load_model(path)


def test_cli_export_into_a_missing_folder_is_a_message_not_a_traceback(tmp_path):
    from click.testing import CliRunner

    from oneiros.cli import main

    _small_model().save(tmp_path / "m.oneiros")
    result = CliRunner().invoke(main, ["export", str(tmp_path / "m.oneiros"), str(tmp_path / "no" / "m.onnx")])
    assert result.exit_code == 1
    assert f"folder {tmp_path / 'no'} does not exist" in result.output and "Traceback" not in result.output
