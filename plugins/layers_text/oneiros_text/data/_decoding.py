"""Decoding text files with errors that point at the line."""

from __future__ import annotations

import codecs
from pathlib import Path

from oneiros.data import DataError


def read_text(path: Path, encoding: str) -> str:
    """The file decoded with ``encoding`` (a UTF-8 byte-order mark is dropped); a decoding error
    names the file, the line, the column and the bytes."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise DataError(f"Unknown text encoding {encoding!r} for {path}.") from None
    data = path.read_bytes()
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        before = data[:error.start].decode(encoding, errors="replace")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        raise DataError(
            f"{path}: line {line}, column {column}: bytes {data[error.start:error.end]!r} are not valid "
            f"{encoding} ({error.reason}); pass the file's encoding, e.g. encoding='latin-1'."
        ) from None
    return text[1:] if text.startswith("\ufeff") else text
