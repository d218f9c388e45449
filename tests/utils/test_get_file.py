"""get_file: local paths, file:// URLs and a local HTTP server on 127.0.0.1 into a cache under
$ONEIROS_HOME, hashes checked with hashlib, zip and tar archives extracted, and network failures
reported quickly (a refused port, a server that never answers)."""

from __future__ import annotations

import hashlib
import http.server
import io
import socket
import tarfile
import threading
import time
import zipfile
from pathlib import Path

import pytest

from oneiros import utils
from oneiros.utils._files import DownloadError

PAYLOAD = b"timestamp,temperature\n0,1.5\n1,2.5\n"


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("ONEIROS_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "source" / "climate.csv"
    path.parent.mkdir()
    path.write_bytes(PAYLOAD)
    return path


def test_a_local_path_is_copied_into_the_cache_under_oneiros_home(home, source):
    path = utils.get_file(origin=str(source))
    assert Path(path) == home / "datasets" / "climate.csv"
    assert Path(path).read_bytes() == PAYLOAD


def test_a_file_url_with_the_right_hashes(home, source):
    sha256, md5 = hashlib.sha256(PAYLOAD).hexdigest(), hashlib.md5(PAYLOAD).hexdigest()
    path = utils.get_file("weather.csv", source.as_uri(), file_hash=sha256, cache_subdir="tables")
    assert Path(path) == home / "tables" / "weather.csv" and Path(path).read_bytes() == PAYLOAD
    assert utils.get_file("weather.csv", source.as_uri(), md5_hash=md5, cache_subdir="tables") == path


def test_a_cached_file_is_reused_and_fetched_again_when_its_hash_is_wrong(home, source):
    path = Path(utils.get_file(origin=str(source)))
    path.write_bytes(b"stale")
    assert utils.get_file(origin=str(source)) == str(path) and path.read_bytes() == b"stale"
    utils.get_file(origin=str(source), file_hash=hashlib.sha256(PAYLOAD).hexdigest())
    assert path.read_bytes() == PAYLOAD


def test_a_wrong_hash_on_a_new_file_raises_and_deletes_it(home, source):
    with pytest.raises(ValueError, match=r"does not match the expected md5 hash 0{32}"):
        utils.get_file(origin=str(source), file_hash="0" * 32)
    assert not (home / "datasets" / "climate.csv").exists()


def archive_bytes(kind):
    members = {"data/a.txt": b"alpha", "data/b.txt": b"beta"}
    buffer = io.BytesIO()
    if kind == "zip":
        with zipfile.ZipFile(buffer, "w") as bundle:
            for name, data in members.items():
                bundle.writestr(name, data)
    else:
        with tarfile.open(fileobj=buffer, mode="w:gz") as bundle:
            for name, data in members.items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                bundle.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.mark.parametrize("kind, suffix", [("zip", ".zip"), ("tar", ".tar.gz")])
def test_extract_unpacks_archives_beside_them(home, tmp_path, kind, suffix):
    archive = tmp_path / f"bundle{suffix}"
    archive.write_bytes(archive_bytes(kind))
    folder = Path(utils.get_file(f"bundle{suffix}", archive.as_uri(), extract=True))
    assert folder == home / "datasets" / "bundle_extracted"
    assert (folder / "data" / "a.txt").read_bytes() == b"alpha" and (folder / "data" / "b.txt").read_bytes() == b"beta"
    untarred = Path(utils.get_file(origin=str(archive), untar=kind == "tar", extract=kind == "zip", cache_subdir="x"))
    assert untarred == home / "x" / f"bundle{suffix}" and (untarred / "data" / "a.txt").exists()


def test_extract_refuses_members_outside_the_folder(home, tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("../../escaped.txt", b"x")
    with pytest.raises(ValueError, match=r"member outside its folder: '../../escaped.txt'"):
        utils.get_file("evil.zip", str(archive), extract=True)
    assert not (home / "escaped.txt").exists() and not (home / "datasets" / "evil_extracted").exists()
    tar_archive = tmp_path / "evil.tar"
    with tarfile.open(tar_archive, "w") as bundle:
        info = tarfile.TarInfo("../escaped.txt")
        info.size = 1
        bundle.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(tarfile.TarError, match="outside the destination"):
        utils.get_file("evil.tar", str(tar_archive), extract=True)
    assert not (home / "datasets" / "escaped.txt").exists()


class _Files(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path != "/climate.csv":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(PAYLOAD)))
        self.end_headers()
        self.wfile.write(PAYLOAD)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_http_downloads_from_a_local_server(home, server):
    path = utils.get_file(origin=f"{server}/climate.csv", file_hash=hashlib.sha256(PAYLOAD).hexdigest())
    assert Path(path).read_bytes() == PAYLOAD
    with pytest.raises(DownloadError, match=r"answered HTTP 404"):
        utils.get_file(origin=f"{server}/missing.csv")
    assert not (home / "datasets" / "missing.csv").exists()


def test_a_refused_connection_fails_at_once(home):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(DownloadError, match=r"cannot download .*file:// URL"):
        utils.get_file(origin=f"http://127.0.0.1:{port}/climate.csv")
    assert time.monotonic() - started < 5


def test_a_server_that_never_answers_times_out(home):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        started = time.monotonic()
        with pytest.raises(DownloadError, match=r"timeout 0.5 s"):
            utils.get_file(origin=f"http://127.0.0.1:{silent.getsockname()[1]}/x.csv", timeout=0.5)
        assert time.monotonic() - started < 5
    assert not list((home / "datasets").iterdir())


def test_bad_arguments_are_named(home, source):
    with pytest.raises(ValueError, match="`origin` is required"):
        utils.get_file("x.csv")
    with pytest.raises(ValueError, match=r"fname='a/b.csv'"):
        utils.get_file("a/b.csv", str(source))
    assert not home.exists(), "a refused call creates no cache folder"
    with pytest.raises(ValueError, match=r"hash_algorithm='sha1'"):
        utils.get_file(origin=str(source), file_hash="ab", hash_algorithm="sha1")
    with pytest.raises(ValueError, match=r"archive_format='rar'"):
        utils.get_file(origin=str(source), extract=True, archive_format="rar")
    with pytest.raises(ValueError, match=r"s3://bucket/x.csv"):
        utils.get_file(origin="s3://bucket/x.csv")
    with pytest.raises(ValueError, match="not a tar or zip archive"):
        utils.get_file(origin=str(source), extract=True)
