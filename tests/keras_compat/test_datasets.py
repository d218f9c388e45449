"""oi.datasets against Keras 3's own loaders, every file served by a local HTTP server on 127.0.0.1.

MNIST and Fashion-MNIST use the real MNIST test files from ../shared/data (the README's label
counts are the oracle); the others use small generated files of the published formats, read both
by Oneiros and by Keras's ``load_data`` (its download replaced by the same local file).
"""

from __future__ import annotations

import gzip
import hashlib
import http.server
import io
import json
import os
import pickle
import shutil
import tarfile
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

import oneiros as oi  # noqa: E402
from oneiros.datasets import _download  # noqa: E402

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
MNIST_TEST_LABEL_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
RNG = np.random.default_rng(11)


def idx_arrays():
    with gzip.open(DATA / "t10k-images-idx3-ubyte.gz") as stream:
        images = np.frombuffer(stream.read(), np.uint8, offset=16).reshape(-1, 28, 28)
    with gzip.open(DATA / "t10k-labels-idx1-ubyte.gz") as stream:
        labels = np.frombuffer(stream.read(), np.uint8, offset=8)
    return images, labels


def ragged(count, vocabulary):
    sequences = np.empty(count, dtype="object")
    sequences[:] = [RNG.integers(1, vocabulary, size=RNG.integers(3, 30)).tolist() for _ in range(count)]
    return sequences


CIFAR10_BATCHES: dict = {}
"""The generated CIFAR-10 batches by name: the oracle for cifar10 (Keras's loader assumes 10,000
images per batch, too large to generate here)."""


def cifar_batch(count, labels):
    return {b"data": RNG.integers(0, 256, size=(count, 3072), dtype=np.uint8), **labels}


def cifar_archive(folder, members):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, payload in members.items():
            info = tarfile.TarInfo(f"{folder}/{name}")
            info.size = len(pickle.dumps(payload))
            archive.addfile(info, io.BytesIO(pickle.dumps(payload)))
    return buffer.getvalue()


def npz_bytes(**arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def served_files():
    """File name -> bytes, in the formats Keras downloads."""
    images, labels = idx_arrays()
    files = {"mnist.npz": npz_bytes(x_train=images[:8000], y_train=labels[:8000], x_test=images[8000:],
                                    y_test=labels[8000:])}
    for prefix in ("train", "t10k"):
        files[f"{prefix}-images-idx3-ubyte.gz"] = (DATA / "t10k-images-idx3-ubyte.gz").read_bytes()
        files[f"{prefix}-labels-idx1-ubyte.gz"] = (DATA / "t10k-labels-idx1-ubyte.gz").read_bytes()
    files["imdb.npz"] = npz_bytes(x_train=ragged(40, 60), y_train=RNG.integers(0, 2, 40), x_test=ragged(30, 60),
                                  y_test=RNG.integers(0, 2, 30))
    files["reuters.npz"] = npz_bytes(x=ragged(50, 80), y=RNG.integers(0, 46, 50))
    files["imdb_word_index.json"] = json.dumps({"the": 1, "movie": 2}).encode()
    files["reuters_word_index.json"] = json.dumps({"the": 1, "said": 2}).encode()
    files["boston_housing.npz"] = npz_bytes(x=RNG.normal(size=(50, 13)), y=RNG.normal(size=50))
    files["california_housing.npz"] = npz_bytes(x=RNG.normal(size=(700, 8)), y=RNG.normal(size=700))
    CIFAR10_BATCHES.update({f"data_batch_{i}": cifar_batch(4, {b"labels": RNG.integers(0, 10, 4).tolist()})
                            for i in range(1, 6)})
    CIFAR10_BATCHES["test_batch"] = cifar_batch(3, {b"labels": RNG.integers(0, 10, 3).tolist()})
    files["cifar-10-python.tar.gz"] = cifar_archive("cifar-10-batches-py", CIFAR10_BATCHES)
    files["cifar-100-python.tar.gz"] = cifar_archive("cifar-100-python", {
        split: cifar_batch(count, {b"fine_labels": RNG.integers(0, 100, count).tolist(),
                                   b"coarse_labels": RNG.integers(0, 20, count).tolist()})
        for split, count in (("train", 6), ("test", 2))})
    return files


FILES = served_files()


class _Files(http.server.BaseHTTPRequestHandler):
    requests: list = []

    def do_GET(self):  # noqa: N802 - the name http.server dispatches to
        name = self.path.lstrip("/")
        self.requests.append(name)
        if name not in FILES:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(FILES[name])))
        self.end_headers()
        self.wfile.write(FILES[name])

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def mirror(tmp_path_factory, serve):
    patch = pytest.MonkeyPatch()
    patch.setenv("ONEIROS_HOME", str(tmp_path_factory.mktemp("home")))
    patch.setenv(_download.MIRROR_VARIABLE, serve(_Files) + "/")
    for name, payload in FILES.items():
        base, published = _download.SOURCES[name]
        patch.setitem(_download.SOURCES, name, (base, published and hashlib.sha256(payload).hexdigest()))
    yield tmp_path_factory.mktemp("keras_side")
    patch.undo()


def keras_load(module, name, folder, *args, extract_to=None, **kwargs):
    """Keras's ``module.load_data`` reading ``FILES[name]`` instead of downloading it."""
    target = folder / name
    target.write_bytes(FILES[name])
    if extract_to is not None:
        with tarfile.open(target) as archive:
            archive.extractall(folder / extract_to, filter="data")
        target = folder / extract_to
    patch = pytest.MonkeyPatch()
    patch.setattr(module, "get_file", lambda *a, **k: str(target))
    try:
        return module.load_data(*args, **kwargs)
    finally:
        patch.undo()


def assert_same(ours, theirs):
    for our_split, their_split in zip(ours, theirs):
        for our_array, their_array in zip(our_split, their_split):
            assert our_array.dtype == their_array.dtype and our_array.shape == their_array.shape
            if our_array.dtype == object:
                assert [list(s) for s in our_array] == [list(s) for s in their_array]
            else:
                np.testing.assert_array_equal(our_array, their_array)


def test_mnist_reads_the_real_digits(mirror):
    (x_train, y_train), (x_test, y_test) = oi.datasets.mnist.load_data()
    assert x_train.shape == (8000, 28, 28) and x_test.shape == (2000, 28, 28) and x_train.dtype == np.uint8
    counts = np.bincount(np.concatenate([y_train, y_test]), minlength=10)
    assert counts.tolist() == MNIST_TEST_LABEL_COUNTS
    assert Path(os.environ["ONEIROS_HOME"], "datasets", "mnist.npz").is_file()


def test_fashion_mnist_reads_idx_files_into_its_own_folder(mirror):
    (x_train, y_train), (x_test, y_test) = oi.datasets.fashion_mnist.load_data()
    images, labels = idx_arrays()
    np.testing.assert_array_equal(x_train, images)
    np.testing.assert_array_equal(y_test, labels)
    assert np.bincount(y_train).tolist() == MNIST_TEST_LABEL_COUNTS
    assert Path(os.environ["ONEIROS_HOME"], "datasets", "fashion-mnist", "t10k-images-idx3-ubyte.gz").is_file()


@pytest.mark.parametrize("module,name,arguments", [
    ("imdb", "imdb.npz", {}),
    ("imdb", "imdb.npz", {"num_words": 30, "skip_top": 2, "maxlen": 20, "seed": 5}),
    ("imdb", "imdb.npz", {"start_char": None, "oov_char": None, "index_from": 0, "num_words": 40}),
    ("reuters", "reuters.npz", {}),
    ("reuters", "reuters.npz", {"num_words": 50, "maxlen": 25, "test_split": 0.3, "seed": 2, "oov_char": None}),
    ("boston_housing", "boston_housing.npz", {"test_split": 0.1, "seed": 4}),
    ("california_housing", "california_housing.npz", {}),
    ("california_housing", "california_housing.npz", {"version": "small", "test_split": 0.25}),
])
def test_matches_keras_load_data(mirror, module, name, arguments):
    ours = getattr(oi.datasets, module).load_data(**arguments)
    theirs = keras_load(getattr(keras.src.datasets, module), name, mirror, **arguments)
    assert_same(ours, theirs)


def test_cifar10_stacks_the_batches_channels_last(mirror):
    (x_train, y_train), (x_test, y_test) = oi.datasets.cifar10.load_data()
    training = [CIFAR10_BATCHES[f"data_batch_{i}"] for i in range(1, 6)]
    expected_images = np.concatenate([batch[b"data"] for batch in training]).reshape(-1, 3, 32, 32)
    np.testing.assert_array_equal(x_train, expected_images.transpose(0, 2, 3, 1))
    np.testing.assert_array_equal(y_train[:, 0], np.concatenate([batch[b"labels"] for batch in training]))
    test = CIFAR10_BATCHES["test_batch"]
    np.testing.assert_array_equal(x_test, test[b"data"].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
    assert y_test.shape == (3, 1) and y_test.dtype == y_train.dtype == x_test.dtype == np.uint8


@pytest.mark.parametrize("module,name,folder,arguments", [
    ("cifar100", "cifar-100-python.tar.gz", "cifar100", {"label_mode": "coarse"}),
    ("cifar100", "cifar-100-python.tar.gz", "cifar100", {}),
])
def test_cifar_matches_keras_load_data(mirror, module, name, folder, arguments):
    ours = getattr(oi.datasets, module).load_data(**arguments)
    theirs = keras_load(getattr(keras.src.datasets, module), name, mirror, extract_to=folder, **arguments)
    assert_same(ours, theirs)


def test_word_indices_and_label_names(mirror):
    assert oi.datasets.imdb.get_word_index() == {"the": 1, "movie": 2}
    assert oi.datasets.reuters.get_word_index() == {"the": 1, "said": 2}
    assert oi.datasets.reuters.get_label_names() == keras.datasets.reuters.get_label_names()


def test_a_cached_file_is_not_downloaded_again(mirror):
    oi.datasets.boston_housing.load_data()
    _Files.requests.clear()
    oi.datasets.boston_housing.load_data()
    assert _Files.requests == []


def test_a_file_with_the_wrong_checksum_is_refused_and_not_kept(mirror, monkeypatch):
    monkeypatch.setitem(_download.SOURCES, "boston_housing.npz", (_download.KERAS_BUCKET, "0" * 64))
    with pytest.raises(ValueError, match="hash 0000"):
        oi.datasets.boston_housing.load_data(path="boston_tampered.npz")
    assert not Path(os.environ["ONEIROS_HOME"], "datasets", "boston_tampered.npz").exists()


def test_a_pickle_that_would_run_code_is_refused(tmp_path):
    class Exploit:
        def __reduce__(self):
            return (shutil.rmtree, (str(tmp_path),))

    sequences = np.empty(1, dtype="object")
    sequences[0] = Exploit()
    np.savez(tmp_path / "evil.npz", x=sequences)
    with pytest.raises(pickle.UnpicklingError, match="refusing to unpickle shutil.rmtree"):
        _download.load_npz(str(tmp_path / "evil.npz"))
    assert tmp_path.exists()


@pytest.mark.parametrize("call,message", [
    (lambda: oi.datasets.boston_housing.load_data(test_split=1.0), "received test_split=1.0"),
    (lambda: oi.datasets.reuters.load_data(test_split=-0.1), "received test_split=-0.1"),
    (lambda: oi.datasets.california_housing.load_data(version="tiny"), "received 'tiny'"),
    (lambda: oi.datasets.cifar100.load_data(label_mode="medium"), "received 'medium'"),
    (lambda: oi.datasets.imdb.load_data(nb_words=5), r"unexpected arguments \['nb_words'\]"),
])
def test_bad_arguments_are_refused_before_any_download(call, message):
    _Files.requests.clear()
    with pytest.raises((ValueError, TypeError), match=message):
        call()
    assert _Files.requests == []
