"""Crash-consistent writes: a temporary file beside the target, fsync, then rename over it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def atomic_write(path: str | os.PathLike, write: Callable[[BinaryIO], None]) -> Path:
    """Calls ``write(stream)`` on a temporary file in the target's folder, makes it durable, and
    renames it over ``path``. A crash at any moment leaves either the old or the new file.

    In a multi-process job only the chief process (process 0) writes; the others return at once.
    """
    from oneiros.distribution import is_chief

    target = Path(path)
    if not is_chief():
        return target
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise FileNotFoundError(f"Cannot save to {target}: folder {folder} does not exist.")
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_folder(folder)
    return target


def _fsync_folder(folder: Path) -> None:
    """Makes the rename itself durable (where the platform allows opening folders)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
