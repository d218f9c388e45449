"""Files fetched once into a cache, verified against a checksum, written atomically."""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

ALGORITHMS = ("md5", "sha256")
_CHUNK = 1 << 16


class DownloadError(OSError):
    """A file could not be fetched, or its content does not match its checksum."""


def parse_checksum(checksum: str) -> tuple[str, str]:
    """("md5" | "sha256", lower-case hex digest) from ``"md5:<hex>"`` or ``"sha256:<hex>"``."""
    algorithm, _, digest = checksum.partition(":")
    expected_length = {"md5": 32, "sha256": 64}.get(algorithm)
    digest = digest.lower()
    if expected_length is None or len(digest) != expected_length or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError(f"a checksum is 'md5:<32 hex digits>' or 'sha256:<64 hex digits>'; received {checksum!r}.")
    return algorithm, digest


def file_digest(path: Path, algorithm: str) -> str:
    hasher = hashlib.new(algorithm)
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(_CHUNK), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def cached_download(url: str, destination: Path, checksum: str, timeout: float = 60.0) -> Path:
    """``destination``, downloaded from ``url`` unless a copy with the right checksum is there.

    The download goes to a temporary file beside the destination and replaces it only once its
    checksum matches, so an interrupted or corrupted download never leaves a bad cached file.
    """
    algorithm, expected = parse_checksum(checksum)
    if destination.is_file() and file_digest(destination, algorithm) == expected:
        return destination
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=destination.name + ".", suffix=".part", dir=destination.parent)
    try:
        hasher = hashlib.new(algorithm)
        with os.fdopen(handle, "wb") as output:
            try:
                with urllib.request.urlopen(url, timeout=timeout) as response:
                    for chunk in iter(lambda: response.read(_CHUNK), b""):
                        hasher.update(chunk)
                        output.write(chunk)
            except (urllib.error.URLError, OSError) as exc:
                raise DownloadError(f"could not download {url}: {exc}") from exc
        received = hasher.hexdigest()
        if received != expected:
            raise DownloadError(f"{url}: checksum mismatch, expected {algorithm} {expected} but the download has "
                                f"{received}; nothing was cached.")
        os.replace(temporary, destination)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return destination
