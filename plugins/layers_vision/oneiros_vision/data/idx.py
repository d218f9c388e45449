"""The IDX format of the MNIST files: a magic number, big-endian sizes, then the raw values.

Layout: two zero bytes, a type code, the number of dimensions n, n big-endian uint32 sizes,
then prod(sizes) values of the type, big-endian. Files may be gzip-compressed (detected from
their first bytes, not their name).
"""

from __future__ import annotations

import gzip
import math
import os
import zlib
from pathlib import Path
from typing import BinaryIO

import numpy as np

TYPE_CODES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_GZIP_MAGIC = b"\x1f\x8b"
MAX_DIMENSIONS = 32  # numpy 1.x's limit on array dimensions
_CHUNK = 1 << 20


class IdxFormatError(ValueError):
    """A file that is not a well-formed IDX file (bad magic, truncated, oversized...)."""


def _read_up_to(stream: BinaryIO, limit: int) -> bytes:
    """At most ``limit`` bytes, read in chunks: memory follows the file, not what its header claims."""
    chunks, remaining = [], limit
    while remaining > 0:
        chunk = stream.read(min(_CHUNK, remaining))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _parse(stream: BinaryIO, name: str) -> np.ndarray:
    magic = _read_up_to(stream, 4)
    if len(magic) < 4:
        raise IdxFormatError(f"{name}: truncated IDX file: {len(magic)} bytes, expected a 4-byte magic number.")
    if magic[:2] != b"\x00\x00" or magic[2] not in TYPE_CODES or magic[3] == 0:
        raise IdxFormatError(
            f"{name}: not an IDX file: magic number 0x{magic.hex()} (expected 0x0000TTNN with type TT in "
            f"{', '.join(f'0x{code:02x}' for code in TYPE_CODES)} and NN >= 1 dimensions, e.g. 0x00000803 "
            "for MNIST images)."
        )
    dtype, ndim = np.dtype(TYPE_CODES[magic[2]]), magic[3]
    if ndim > MAX_DIMENSIONS:
        raise IdxFormatError(f"{name}: the IDX header declares {ndim} dimensions; at most {MAX_DIMENSIONS} are "
                             "supported (MNIST files have 1 or 3).")
    header = _read_up_to(stream, 4 * ndim)
    if len(header) < 4 * ndim:
        raise IdxFormatError(f"{name}: truncated IDX header: {ndim} dimensions need {4 * ndim} bytes of sizes, "
                             f"found {len(header)}.")
    shape = tuple(int.from_bytes(header[4 * i: 4 * i + 4], "big") for i in range(ndim))
    expected = math.prod(shape) * dtype.itemsize
    data = _read_up_to(stream, expected + 1)
    if len(data) < expected:
        raise IdxFormatError(f"{name}: truncated IDX data: shape {shape} of {dtype.str[1:]} needs {expected} bytes, "
                             f"found {len(data)}.")
    if len(data) > expected:
        raise IdxFormatError(f"{name}: oversized IDX file: shape {shape} of {dtype.str[1:]} needs {expected} bytes, "
                             "but more data follows.")
    return np.frombuffer(data, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="))


def load_idx(path: str | os.PathLike) -> np.ndarray:
    """The array stored in an IDX file (plain or gzip), in native byte order.

    Raises IdxFormatError, naming the file and what was wrong, for a bad magic number, a
    truncated header or data, data beyond what the header declares, or a broken gzip stream.

    Example::

        images = load_idx("t10k-images-idx3-ubyte.gz")     # uint8, shape (10000, 28, 28)
    """
    path = Path(path)
    with open(path, "rb") as raw:
        compressed = raw.read(2) == _GZIP_MAGIC
    try:
        with (gzip.open(path, "rb") if compressed else open(path, "rb")) as stream:
            return _parse(stream, str(path))
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise IdxFormatError(f"{path}: corrupt or truncated gzip stream ({type(exc).__name__}: {exc}).") from exc
