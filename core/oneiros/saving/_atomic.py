"""Crash-consistent writes: a temporary file beside the target, fsync, then rename over it."""

from __future__ import annotations

import contextlib
import glob
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

try:
    import fcntl
except ImportError:  # Windows: no advisory locks, so strays of killed saves are left alone
    fcntl = None  # type: ignore[assignment]


def atomic_write(path: str | os.PathLike, write: Callable[[BinaryIO], None]) -> Path:
    """Calls ``write(stream)`` on a temporary file in the target's folder, makes it durable, and
    renames it over ``path``. A crash at any moment leaves either the old or the new file.

    A new file gets the permissions the umask allows (as ``open`` would give it); an overwritten
    file keeps its own. Temporary files that killed saves to the same path left behind are removed.
    An OSError (a full disk, say) names the file and leaves the previous one as it was.

    In a multi-process job only the chief process (process 0) writes; the others return at once.
    """
    from oneiros.distribution import is_chief

    target = Path(path)
    if not is_chief():
        return target
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise FileNotFoundError(f"Cannot save to {target}: folder {folder} does not exist.")
    if target.is_dir():
        raise IsADirectoryError(f"Cannot save to {target}: it is a folder; give a file name inside it.")
    _remove_strays(folder, target.name)
    descriptor, temporary = _locked_temporary(folder, target.name)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            os.chmod(temporary, _mode_for(target))
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if isinstance(error, OSError) and not isinstance(error, (FileNotFoundError, IsADirectoryError)):
            raise OSError(error.errno, f"Cannot save {target}: {error.strerror or error}; the previous file, if "
                                       "any, is unchanged", str(target)) from error
        raise
    _fsync_folder(folder)
    return target


def _locked_temporary(folder: Path, name: str) -> tuple[int, str]:
    """A new ``.NAME.*.tmp`` file, open and locked by this process (until closed, or until the
    process dies) before it appears under that name, so that :func:`_remove_strays` never takes a
    live one."""
    descriptor, fresh = tempfile.mkstemp(prefix=f".{name}.", suffix=".new", dir=folder)
    if fcntl is None:
        return descriptor, fresh
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        temporary = fresh[:-len(".new")] + ".tmp"
        os.rename(fresh, temporary)
    except BaseException:
        os.close(descriptor)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(fresh)
        raise
    return descriptor, temporary


def _mode_for(target: Path) -> int:
    """An existing file's permission bits, else what a new file gets under the umask."""
    with contextlib.suppress(FileNotFoundError):
        return stat.S_IMODE(os.stat(target).st_mode)
    return 0o666 & ~_umask()


def _umask() -> int:
    """The process umask, read without changing it where Linux shows it (os.umask sets it while
    reading, which another thread creating a file at that moment would see)."""
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _remove_strays(folder: Path, name: str) -> None:
    """Deletes ``.NAME.*.tmp`` files no live writer holds: a save that was killed left them."""
    if fcntl is None:
        return
    for stray in folder.glob(f".{glob.escape(name)}.*.tmp"):
        try:
            descriptor = os.open(stray, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a save in progress (another thread or process) holds it
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(stray)
        finally:
            os.close(descriptor)


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
