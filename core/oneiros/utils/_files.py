"""get_file: a file from a local path, a file:// URL or an http(s) URL, cached under $ONEIROS_HOME."""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

DOWNLOAD_TIMEOUT_SECONDS = 15.0
"""How long a connection or a read may stall before an http(s) download fails (never a hang)."""
CHUNK_BYTES = 1 << 20
NETWORK_SCHEMES = ("http", "https", "ftp")
ARCHIVE_FORMATS = ("tar", "zip")


class DownloadError(OSError):
    """An http(s) download failed: no network, a refused or stalled connection, an HTTP error."""


def get_file(fname: str | os.PathLike | None = None, origin: str | os.PathLike | None = None, untar: bool = False,
             md5_hash: str | None = None, file_hash: str | None = None, cache_subdir: str = "datasets",
             hash_algorithm: str = "auto", extract: bool = False, archive_format: Any = "auto",
             cache_dir: str | os.PathLike | None = None, force_download: bool = False, *,
             timeout: float = DOWNLOAD_TIMEOUT_SECONDS) -> str:
    """The path of ``origin``'s file in the cache ``cache_dir/cache_subdir`` (``cache_dir`` defaults to
    ``$ONEIROS_HOME``, itself ``~/.oneiros`` by default), fetched unless already there, as
    ``keras.utils.get_file``.

    ``origin`` is a local path, a ``file://`` URL or an http(s)/ftp URL; a download that stalls for
    ``timeout`` seconds (or finds no network) raises :class:`DownloadError` at once. ``file_hash``
    (``md5_hash`` for MD5) is checked against the cached file (a mismatch fetches it again) and
    against each new copy (a mismatch raises ValueError and deletes it); ``hash_algorithm`` is
    "md5", "sha256" or "auto" (sha256 for 64 hex digits). ``extract=True`` (or ``untar``) unpacks a
    tar or zip archive (``archive_format``: "auto", "tar", "zip" or a list) into a folder beside it
    (``fname`` without its extensions + ``_extracted``) and returns that folder; members that would
    land outside it are refused.

    Example::

        path = get_file(origin="file:///data/jena_climate_2009_2016.csv.zip", extract=True)
    """
    if origin is None:
        raise ValueError("get_file: argument `origin` is required (a local path, a file:// URL or an http(s) URL).")
    origin = os.fspath(origin)
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    if file_hash is not None:
        hash_algorithm = _algorithm(hash_algorithm, file_hash)
    formats = _archive_formats(archive_format, untar)
    directory = _cache_home(cache_dir) / cache_subdir
    download_target, extraction_dir = _targets(directory, fname, origin, extract or untar)
    directory.mkdir(parents=True, exist_ok=True)
    if force_download or not download_target.exists() or (
            file_hash is not None and not validate_file(download_target, file_hash, hash_algorithm)):
        _fetch(origin, download_target, timeout)
        if file_hash is not None and not validate_file(download_target, file_hash, hash_algorithm):
            download_target.unlink()
            raise ValueError(f"get_file: the file fetched from {origin} does not match the expected {hash_algorithm} "
                             f"hash {file_hash}; it was deleted.")
    if extraction_dir is None:
        return str(download_target)
    _extract(download_target, extraction_dir, formats)
    return str(extraction_dir)


def validate_file(path: str | os.PathLike, file_hash: str, algorithm: str = "auto") -> bool:
    """Whether the file at ``path`` has the hex digest ``file_hash`` under ``algorithm``."""
    hasher = hashlib.new(_algorithm(algorithm, file_hash))
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(CHUNK_BYTES), b""):
            hasher.update(chunk)
    return hasher.hexdigest() == str(file_hash).lower()


def _algorithm(algorithm: str, file_hash: str) -> str:
    """"md5" or "sha256"; "auto" picks sha256 for a 64-digit hash, as Keras does."""
    if algorithm == "auto":
        algorithm = "sha256" if len(str(file_hash)) == 64 else "md5"
    if algorithm not in ("md5", "sha256"):
        raise ValueError(f"get_file: argument `hash_algorithm` must be 'auto', 'md5' or 'sha256'; received "
                         f"hash_algorithm={algorithm!r}.")
    return algorithm


def _archive_formats(archive_format: Any, untar: bool) -> tuple[str, ...]:
    if untar:
        return ("tar",)
    if archive_format is None:
        return ()
    formats = ARCHIVE_FORMATS if archive_format == "auto" else \
        (archive_format,) if isinstance(archive_format, str) else tuple(archive_format)
    unknown = [name for name in formats if name not in ARCHIVE_FORMATS]
    if unknown:
        raise ValueError(f"get_file: argument `archive_format` must be 'auto', 'tar', 'zip', a list of those or "
                         f"None; received archive_format={archive_format!r}.")
    return formats


def _cache_home(cache_dir: str | os.PathLike | None) -> Path:
    if cache_dir is not None:
        return Path(cache_dir).expanduser()
    from oneiros.backend import config_path

    return config_path().parent


def _targets(directory: Path, fname: Any, origin: str, extract: bool) -> tuple[Path, Path | None]:
    """Where the file goes and, when extracting, the folder its members go to (Keras's naming)."""
    name = os.fspath(fname) if fname else os.path.basename(urllib.parse.urlsplit(origin).path)
    if not name:
        raise ValueError(f"get_file: no file name in the origin {origin!r}; pass `fname`.")
    if os.sep in name or (os.altsep and os.altsep in name):
        raise ValueError(f"get_file: `fname` is a file name, not a path (use `cache_dir` for the folder); received "
                         f"fname={name!r}.")
    if not extract:
        return directory / name, None
    if fname and "." in name:
        return directory / name, directory / f"{name[:name.find('.')]}_extracted"
    return directory / f"{name}_archive", directory / name


def _fetch(origin: str, target: Path, timeout: float) -> None:
    """Copies or downloads ``origin`` into a temporary file beside ``target``, then renames it, so an
    interrupted fetch never leaves a partial file under the cached name.

    Unlike ``saving.atomic_write`` every process writes: each one of a multi-process job may have
    its own cache."""
    with _open(origin, timeout) as stream:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as output:
                _copy(origin, stream, output, timeout)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _open(origin: str, timeout: float) -> IO[bytes]:
    parts = urllib.parse.urlsplit(origin)
    scheme = parts.scheme.lower()
    if scheme == "file":
        return open(urllib.request.url2pathname(parts.path), "rb")
    if scheme in NETWORK_SCHEMES:
        return _open_url(origin, timeout)
    if len(scheme) <= 1:  # no scheme, or a Windows drive letter: a local path
        return open(origin, "rb")
    raise ValueError(f"get_file: `origin` must be a local path or a file, http, https or ftp URL; received "
                     f"{origin!r}.")


def _open_url(origin: str, timeout: float) -> IO[bytes]:
    print(f"Downloading data from {origin}")
    try:
        return urllib.request.urlopen(origin, timeout=timeout)
    except urllib.error.HTTPError as exc:
        raise DownloadError(f"get_file: {origin} answered HTTP {exc.code} {exc.reason}.") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DownloadError(f"get_file: cannot download {origin}: {reason} (timeout {timeout:g} s). Without a "
                            "network, fetch the file elsewhere and pass its local path or a file:// URL.") from None


def _copy(origin: str, stream: IO[bytes], output: IO[bytes], timeout: float) -> None:
    try:
        shutil.copyfileobj(stream, output, CHUNK_BYTES)
    except OSError as exc:
        raise DownloadError(f"get_file: reading {origin} failed: {exc} (timeout {timeout:g} s).") from None


def _extract(archive: Path, folder: Path, formats: tuple[str, ...]) -> None:
    """Unpacks ``archive`` into ``folder``; members outside ``folder`` (.., absolute, links out) are refused."""
    for kind in formats:
        if kind == "tar" and tarfile.is_tarfile(archive):
            with tarfile.open(archive) as bundle:
                _unpack(folder, lambda: bundle.extractall(folder, filter="data"))
            return
        if kind == "zip" and zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as bundle:
                root = folder.resolve()
                for member in bundle.namelist():
                    if not (root / member).resolve().is_relative_to(root):
                        raise ValueError(f"get_file: the archive {archive} has a member outside its folder: {member!r}.")
                _unpack(folder, lambda: bundle.extractall(folder))
            return
    raise ValueError(f"get_file: {archive} is not a {' or '.join(formats) or 'known'} archive, so it cannot be "
                     "extracted (archive_format decides which kinds are tried).")


def _unpack(folder: Path, extract: Callable[[], None]) -> None:
    try:
        extract()
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
