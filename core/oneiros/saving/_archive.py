"""The ``.oneiros`` zip archive: only the expected members, each size-checked before inflating."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

from oneiros.errors import ArchiveSecurityError, CorruptFileError, ResourceLimitError
from oneiros.saving._atomic import atomic_write
from oneiros.saving._limits import LoadLimits

CONFIG = "config.json"
METADATA = "metadata.json"
WEIGHTS = "model.weights.safetensors"
MEMBERS = (CONFIG, METADATA, WEIGHTS)


def write_archive(path: str | Path, members: dict[str, bytes], names: tuple[str, ...] = MEMBERS,
                  weights: str = WEIGHTS) -> Path:
    """Writes ``members`` in the order of ``names``; the ``weights`` member is stored uncompressed."""
    def write(stream) -> None:
        with zipfile.ZipFile(stream, "w") as archive:
            for name in names:
                compression = zipfile.ZIP_STORED if name == weights else zipfile.ZIP_DEFLATED
                archive.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), members[name],
                                 compress_type=compression)

    return atomic_write(path, write)


def _check_name(name: str, names: tuple[str, ...], folder: str | None) -> None:
    in_folder = folder is not None and name.startswith(folder) and len(name) > len(folder)
    if (name.startswith(("/", "\\")) or "\\" in name or ".." in name.split("/") or ":" in name
            or not (name in names or in_folder)):
        extra = f", and files under {folder}" if folder else ""
        raise ArchiveSecurityError(f"Archive member {name!r} is not allowed; a model file holds exactly "
                                   f"{', '.join(names)}{extra}.")


def member_names(path: str | Path, limits: LoadLimits) -> list[str]:
    """The member names of the zip archive at ``path`` (for telling formats apart), unchecked."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, IndexError, KeyError, OverflowError) as exc:
        raise CorruptFileError(f"{path} is not a readable zip archive: {exc}.") from None
    if len(names) > limits.max_tensors:
        raise ResourceLimitError(f"{path} holds {len(names)} archive members; the limit is {limits.max_tensors}.")
    return names


def read_archive(path: str | Path, limits: LoadLimits, names: tuple[str, ...] = MEMBERS,
                 weights: str = WEIGHTS, folder: str | None = None) -> dict[str, bytes]:
    """The members ``names`` of a model archive, and the files under ``folder`` when given (Keras's
    ``assets/``), after checking names, kinds and sizes (the ``weights`` member may be as large as
    the weights limit, the others as the config limit)."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FileNotFoundError(f"Cannot read model file {path}: {exc.strerror}.") from None
    if size > limits.max_archive_bytes:
        raise ResourceLimitError(f"{path} is {size} bytes; the limit is {limits.max_archive_bytes}.")
    data = path.read_bytes()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, IndexError, KeyError, OverflowError) as exc:
        raise CorruptFileError(f"{path} is not a readable model archive: {exc}.") from None
    seen = []
    infos = [info for info in infos if not (folder and info.is_dir() and info.filename.startswith(folder))]
    for info in infos:
        _check_name(info.filename, names, folder)
        if stat.S_ISLNK(info.external_attr >> 16) or info.is_dir():
            raise ArchiveSecurityError(f"Archive member {info.filename!r} is a link or folder; only files are allowed.")
        if info.filename in seen:
            raise ArchiveSecurityError(f"Archive member {info.filename!r} appears twice.")
        seen.append(info.filename)
        limit = limits.max_config_bytes if info.filename != weights else limits.max_weights_bytes
        if info.file_size > limit:
            raise ResourceLimitError(f"Archive member {info.filename!r} declares {info.file_size} bytes; the limit "
                                     f"is {limit}.")
        if info.file_size > max(info.compress_size, 1) * limits.max_compression_ratio:
            raise ResourceLimitError(f"Archive member {info.filename!r} would expand {info.compress_size} bytes to "
                                     f"{info.file_size} (ratio limit {limits.max_compression_ratio}).")
    missing = [name for name in names if name not in seen]
    if missing:
        raise CorruptFileError(f"{path} lacks the archive members {missing}.")
    members = {}
    for info in infos:
        try:
            with archive.open(info) as member:
                content = member.read(info.file_size + 1)
        except Exception as exc:  # zipfile and zlib raise many unrelated types for damaged data
            raise CorruptFileError(f"Archive member {info.filename!r} cannot be read: {exc}.") from None
        if len(content) != info.file_size:
            raise CorruptFileError(f"Archive member {info.filename!r} holds {len(content)} bytes, not the declared "
                                   f"{info.file_size}.")
        members[info.filename] = content
    return members
