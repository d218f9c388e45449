"""mnist.load_data downloads into a cache with checksum verification, from a local HTTP server
on 127.0.0.1 that serves the shared t10k files under the four canonical names (no internet)."""

from __future__ import annotations

import functools
import hashlib
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from oneiros_vision.datasets import mnist
from oneiros_vision.datasets._download import DownloadError

SERVED = {
    "train-images-idx3-ubyte.gz": "t10k-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz": "t10k-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz": "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz": "t10k-labels-idx1-ubyte.gz",
}


@pytest.fixture(scope="module")
def server(shared_data, tmp_path_factory):
    """(base URL, the list of requested paths, the checksums of what is served)."""
    root = tmp_path_factory.mktemp("mirror")
    folder = root / "mnist"
    folder.mkdir()
    for name, source in SERVED.items():
        shutil.copyfile(shared_data / source, folder / name)
    requests: list[str] = []

    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            requests.append(self.path)
            super().do_GET()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    checksums = {name: "sha256:" + hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in SERVED}
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/mnist/", requests, checksums
    finally:
        httpd.shutdown()
        thread.join()


def test_downloads_once_into_the_cache_then_reads_it(server, tmp_path, shared_data):
    base_url, requests, checksums = server
    requests.clear()
    cache = tmp_path / "cache"
    (x_train, y_train), (x_test, y_test) = mnist.load_data(cache_dir=cache, base_url=base_url, checksums=checksums)
    assert sorted(requests) == sorted(f"/mnist/{name}" for name in SERVED)
    assert sorted(p.name for p in cache.iterdir()) == sorted(SERVED)
    assert x_train.shape == x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    expected_images, expected_labels = mnist.load_split(shared_data, "test")
    np.testing.assert_array_equal(x_test, expected_images)
    np.testing.assert_array_equal(y_train, expected_labels)
    mnist.load_data(cache_dir=cache, base_url=base_url, checksums=checksums)
    assert len(requests) == 4


def test_a_checksum_mismatch_raises_and_caches_nothing(server, tmp_path):
    base_url, _, checksums = server
    wrong = {**checksums, "t10k-labels-idx1-ubyte.gz": "md5:" + "0" * 32}
    cache = tmp_path / "cache"
    with pytest.raises(DownloadError, match="t10k-labels-idx1-ubyte.gz: checksum mismatch, expected md5 0{32}"):
        mnist.load_data(cache_dir=cache, base_url=base_url, checksums=wrong)
    assert "t10k-labels-idx1-ubyte.gz" not in {p.name for p in cache.iterdir()}
    assert not [p for p in cache.iterdir() if p.suffix == ".part"]


def test_a_corrupted_cached_file_is_downloaded_again(server, tmp_path):
    base_url, requests, checksums = server
    cache = tmp_path / "cache"
    mnist.load_data(cache_dir=cache, base_url=base_url, checksums=checksums)
    (cache / "train-labels-idx1-ubyte.gz").write_bytes(b"garbage")
    requests.clear()
    (_, y_train), _ = mnist.load_data(cache_dir=cache, base_url=base_url, checksums=checksums)
    assert requests == ["/mnist/train-labels-idx1-ubyte.gz"] and y_train.shape == (10000,)


def test_a_missing_file_on_the_server_is_a_clear_error(server, tmp_path):
    base_url, _, checksums = server
    with pytest.raises(DownloadError, match=r"could not download http://127\.0\.0\.1:\d+/elsewhere/train-images"):
        mnist.load_data(cache_dir=tmp_path, base_url=base_url.replace("/mnist/", "/elsewhere/"), checksums=checksums)


def test_the_default_checksums_are_the_published_md5s_of_the_original_files():
    assert mnist.CHECKSUMS == {
        "train-images-idx3-ubyte.gz": "md5:f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "train-labels-idx1-ubyte.gz": "md5:d53e105ee54ea40749a09fcbcd1e9432",
        "t10k-images-idx3-ubyte.gz": "md5:9fb629c4189551a2d022fa330f9573f3",
        "t10k-labels-idx1-ubyte.gz": "md5:ec29112dd5afa0611ce80d1b7f02629c",
    }


def test_a_local_folder_is_read_without_any_download(tmp_path, shared_data):
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        shutil.copyfile(shared_data / name, tmp_path / name)
        shutil.copyfile(shared_data / name, tmp_path / name.replace("t10k", "train"))
    (x_train, _), (x_test, y_test) = mnist.load_data(tmp_path, base_url="http://127.0.0.1:9/unreachable/")
    assert x_train.shape == x_test.shape == (10000, 28, 28) and y_test.dtype == np.uint8


@pytest.mark.parametrize("checksum", ["md5:abc", "sha1:" + "0" * 40, "f68b3c2dcbeaaa9fbdd348bbdeb94873"])
def test_malformed_checksums_are_refused(tmp_path, checksum):
    with pytest.raises(ValueError, match="checksum"):
        mnist.load_data(cache_dir=tmp_path, base_url="http://127.0.0.1:9/", checksums={
            "train-images-idx3-ubyte.gz": checksum})
