"""HDF5 through h5py, checked before anything is read: only hard links, only contiguous or
chunked datasets of plain numeric dtypes stored in the file itself, only the standard filters,
a bounded number of objects, and sizes within the limits.

h5py is imported only when an HDF5 file is read or written (``pip install "oneiros[h5]"``).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from oneiros.errors import ArchiveSecurityError, CorruptFileError, ResourceLimitError
from oneiros.saving._limits import LoadLimits

STANDARD_FILTERS = {1: "deflate", 2: "shuffle", 3: "fletcher32", 32000: "lzf"}
NUMERIC_KINDS = "biuf"
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def h5py_module() -> Any:
    try:
        import h5py
    except ImportError:
        raise ModuleNotFoundError("HDF5 files (.keras, .weights.h5, .h5) need h5py: pip install 'oneiros[h5]'.") \
            from None
    return h5py


@dataclass
class H5Contents:
    """A checked HDF5 file: its datasets by path (not yet read) and its groups' paths."""

    file: Any
    datasets: dict[str, Any] = field(default_factory=dict)
    groups: dict[str, Any] = field(default_factory=dict)
    limits: LoadLimits = LoadLimits()
    total_bytes: int = 0
    """What all datasets declare, before any is read."""

    def weight_bytes(self, excluded_prefix: str) -> int:
        """What the datasets outside ``excluded_prefix`` declare."""
        return sum(math.prod(d.shape) * d.dtype.itemsize for p, d in self.datasets.items()
                   if not p.startswith(excluded_prefix))

    def read(self, path: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
        """The dataset at ``path``; with ``shape``, refused unless it has exactly that shape."""
        dataset = self.datasets[path]
        if shape is not None and tuple(dataset.shape) != tuple(shape):
            from oneiros.errors import WeightsMismatchError

            raise WeightsMismatchError(f"Weight {path!r}: the file holds shape {tuple(dataset.shape)}, the model "
                                       f"expects {tuple(shape)}.")
        try:
            return np.asarray(dataset[()])
        except Exception as exc:  # h5py raises OSError, KeyError, ValueError... for damaged data
            raise CorruptFileError(f"Dataset {path!r} cannot be read: {exc}.") from None

    def text_attribute(self, path: str, name: str) -> str | None:
        """A string attribute (a JSON config...) within the config size limit, or None."""
        holder = self.groups.get(path)
        if holder is None or name not in holder.attrs:
            return None
        value = self._attribute(holder, name)
        if isinstance(value, np.ndarray) and value.shape == ():
            value = value.item()
        if isinstance(value, bytes):
            value = value.decode("utf-8", errors="strict")
        if not isinstance(value, str):
            raise CorruptFileError(f"Attribute {name!r} of {path or '/'} is not a string.")
        return value

    def string_list_attribute(self, path: str, name: str) -> list[str]:
        holder = self.groups.get(path)
        if holder is None or name not in holder.attrs:
            return []
        value = np.asarray(self._attribute(holder, name))
        if value.size == 0:
            return []
        if value.ndim != 1:
            raise CorruptFileError(f"Attribute {name!r} of {path or '/'} must be a list of strings.")
        return [item.decode("utf-8") if isinstance(item, bytes) else str(item) for item in value.tolist()]

    def _attribute(self, holder: Any, name: str) -> Any:
        try:
            attribute = holder.attrs.get_id(name)
            count = math.prod(attribute.shape or ())
            if count > self.limits.max_tensors:
                raise ResourceLimitError(f"Attribute {name!r} holds {count} items; the limit is "
                                         f"{self.limits.max_tensors}.")
            return holder.attrs[name]
        except ResourceLimitError:
            raise
        except Exception as exc:
            raise CorruptFileError(f"Attribute {name!r} cannot be read: {exc}.") from None


def _check_dataset(path: str, dataset: Any, limits: LoadLimits) -> int:
    """The dataset's size in bytes, after refusing anything but plain numeric data in this file."""
    if dataset.is_virtual:
        raise ArchiveSecurityError(f"Dataset {path!r} is a virtual dataset (it maps other files); refused.")
    plist = dataset.id.get_create_plist()
    if plist.get_external_count() > 0:
        raise ArchiveSecurityError(f"Dataset {path!r} keeps its data in external files; refused.")
    for index in range(plist.get_nfilters()):
        code = plist.get_filter(index)[0]
        if code not in STANDARD_FILTERS:
            raise ArchiveSecurityError(f"Dataset {path!r} uses HDF5 filter {code}; only the standard filters "
                                       f"({', '.join(STANDARD_FILTERS.values())}) are allowed.")
    dtype = dataset.dtype
    if dtype.kind not in NUMERIC_KINDS or dtype.fields is not None or dtype.itemsize > 8:
        raise CorruptFileError(f"Dataset {path!r} has dtype {dtype}; weights are plain numbers.")
    shape = dataset.shape
    if shape is None:
        raise CorruptFileError(f"Dataset {path!r} has no shape.")
    return math.prod(shape) * dtype.itemsize


def open_checked(data: bytes, what: str, limits: LoadLimits) -> H5Contents:
    """The checked contents of the HDF5 file in ``data`` (refusing links, external or virtual
    storage, odd filters and dtypes, and more objects or bytes than ``limits`` allow)."""
    h5py = h5py_module()
    if len(data) > limits.max_weights_bytes:
        raise ResourceLimitError(f"{what} is {len(data)} bytes; the limit is {limits.max_weights_bytes}.")
    if not data.startswith(HDF5_SIGNATURE):
        raise CorruptFileError(f"{what} is not an HDF5 file (no HDF5 signature at its start).")
    try:
        handle = h5py.File(io.BytesIO(data), "r")
    except Exception as exc:
        raise CorruptFileError(f"{what} is not a readable HDF5 file: {exc}.") from None
    contents = H5Contents(handle, limits=limits)
    total = 0
    stack = [("", handle)]
    seen = {handle.id}
    try:
        while stack:
            prefix, group = stack.pop()
            contents.groups[prefix] = group
            for name in group:
                path = f"{prefix}/{name}" if prefix else name
                if len(contents.datasets) + len(contents.groups) + len(stack) >= limits.max_tensors:
                    raise ResourceLimitError(f"{what} holds more than {limits.max_tensors} objects.")
                link = group.get(name, getlink=True)
                if not isinstance(link, h5py.HardLink):
                    raise ArchiveSecurityError(f"{what}: {path!r} is a {type(link).__name__} "
                                               f"({getattr(link, 'filename', '') or getattr(link, 'path', '')}); "
                                               "only objects stored in the file itself are allowed.")
                item = group[name]
                if item.id in seen:  # a second hard link to one object: a cycle or aliased weights
                    raise ArchiveSecurityError(f"{what}: {path!r} links to an object already linked elsewhere in "
                                               "the file; each object may appear once.")
                seen.add(item.id)
                if isinstance(item, h5py.Group):
                    stack.append((path, item))
                elif isinstance(item, h5py.Dataset):
                    total += _check_dataset(path, item, limits)
                    if total > limits.max_weights_bytes:
                        raise ResourceLimitError(f"{what} declares more than {limits.max_weights_bytes} bytes of "
                                                 f"data (at {path!r}).")
                    contents.datasets[path] = item
                    contents.total_bytes = total
                else:
                    raise CorruptFileError(f"{what}: {path!r} is a {type(item).__name__}; expected groups and "
                                           "datasets only.")
    except (ArchiveSecurityError, CorruptFileError, ResourceLimitError):
        handle.close()
        raise
    except Exception as exc:  # damaged object headers surface as many h5py/HDF5 exception types
        handle.close()
        raise CorruptFileError(f"{what} has a damaged HDF5 structure: {type(exc).__name__}: {exc}.") from None
    return contents


def write(datasets: dict[str, np.ndarray], group_attributes: dict[str, dict[str, Any]],
          file_attributes: dict[str, Any] | None = None) -> bytes:
    """An HDF5 file holding ``datasets`` by path, with empty groups and attributes as given."""
    h5py = h5py_module()
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as handle:
        for key, value in (file_attributes or {}).items():
            handle.attrs[key] = value
        for path, attributes in group_attributes.items():
            group = handle.require_group(path) if path else handle
            for key, value in attributes.items():
                group.attrs[key] = value
        for path, array in datasets.items():
            handle.create_dataset(path, data=np.asarray(array))
    return buffer.getvalue()
