"""``index_directory``: the files of a folder tree and their labels, for the ``*_dataset_from_directory`` loaders.

Example::

    paths, labels, class_names = index_directory("reviews/", formats=(".txt",))
    # reviews/neg/1.txt, reviews/pos/2.txt... -> labels [0, ..., 1, ...], class_names ["neg", "pos"]
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from oneiros import arguments
from oneiros.data.adapters import DataError


def index_directory(directory: str | os.PathLike, formats: Sequence[str], labels: Any = "inferred",
                    class_names: Sequence[str] | None = None, follow_links: bool = False,
                    owner: str = "index_directory") -> tuple[list[Path], np.ndarray | None, list[str] | None]:
    """``(file paths, int32 label ids or None, class names or None)`` for the files under ``directory``
    whose names end with one of ``formats`` (case-insensitive), in sorted order, as Keras indexes them.

    ``labels="inferred"``: each subfolder not starting with a dot is a class (sorted, or the ones
    ``class_names`` names, in its order), labelled by its position. ``labels=None``: every file under ``directory``, no labels. A list:
    one non-negative int per file, in sorted order. Each real folder and file is listed once (links
    may form loops), and a non-regular file (a FIFO, whose reading would wait forever) is an error.
    """
    root = Path(directory)
    suffixes = tuple(suffix.lower() for suffix in formats)
    if labels == "inferred":
        folders = sorted(entry.name for entry in root.iterdir() if entry.is_dir() and not entry.name.startswith("."))
        if class_names is not None:
            if not set(class_names) <= set(folders) or len(set(class_names)) != len(class_names):
                raise ValueError(f"{owner}: `class_names` must name distinct subfolders of {str(root)!r} "
                                 f"(some or all of {folders}); received class_names={list(class_names)!r}.")
            folders = list(class_names)
        paths: list[Path] = []
        ids: list[int] = []
        for index, folder in enumerate(folders):
            files = _files(owner, root / folder, suffixes, follow_links)
            paths.extend(files)
            ids.extend([index] * len(files))
        return paths, np.asarray(ids, dtype=np.int32), folders
    paths = _files(owner, root, suffixes, follow_links)
    if labels is None:
        return paths, None, None
    if isinstance(labels, (str, bytes)) or not isinstance(labels, Sequence) or len(labels) != len(paths) or not all(
            isinstance(label, int) and not isinstance(label, bool) and label >= 0 for label in labels):
        raise ValueError(f"{owner}: `labels` must be 'inferred', None, or one non-negative int per file "
                         f"({len(paths)} {'/'.join(suffixes)} files found under {str(root)!r}, in sorted order); "
                         f"received labels={labels!r}.")
    count = max(labels, default=-1) + 1
    names = list(class_names) if class_names is not None else [str(index) for index in range(count)]
    return paths, np.asarray(labels, dtype=np.int32), names


def labelled_files(directory: str | os.PathLike, formats: Sequence[str], labels: Any, label_mode: str | None,
                   class_names: Sequence[str] | None, follow_links: bool, shuffle: bool, seed: int,
                   owner: str) -> tuple[list[Path], np.ndarray | None, list[str]]:
    """:func:`index_directory` for a folder loader: at least one file, two classes for
    ``label_mode="binary"``, and with ``shuffle`` the files (and their labels) in the order Keras's
    loaders give them for ``seed``, so a ``validation_split`` keeps the files Keras's would."""
    paths, targets, names = index_directory(directory, formats, labels, class_names, follow_links, owner)
    if not paths:
        raise DataError(f"{owner}: no {'/'.join(formats)} files under {str(directory)!r}.")
    names = names or []
    if label_mode == "binary" and len(names) != 2:
        raise ValueError(f"{owner}: label_mode='binary' needs exactly 2 classes; found {len(names)}: {names}.")
    if shuffle:
        order = np.arange(len(paths))
        np.random.RandomState(seed).shuffle(order)
        paths = [paths[i] for i in order]
        targets = None if targets is None else targets[order]
    return paths, targets, names


def _files(owner: str, folder: Path, suffixes: tuple[str, ...], follow_links: bool) -> list[Path]:
    """Keras's order: folders sorted by path, each folder's files sorted by name."""
    listed = []
    seen_folders: set[str] = set()
    for current, subfolders, files in os.walk(folder, followlinks=follow_links):
        seen_folders.add(os.path.realpath(current))
        subfolders[:] = [name for name in subfolders
                         if os.path.realpath(os.path.join(current, name)) not in seen_folders]
        listed.append((current, sorted(name for name in files if name.lower().endswith(suffixes))))
    found = []
    seen_files: set[str] = set()
    for current, names in sorted(listed):
        for name in names:
            path = Path(current) / name
            if os.path.realpath(path) in seen_files:
                continue
            if not stat.S_ISREG(os.stat(path).st_mode):
                raise DataError(f"{owner}: {str(path)!r} is not a regular file (a FIFO, socket or device); "
                                f"every {'/'.join(suffixes)} entry must be a file.")
            seen_files.add(os.path.realpath(path))
            found.append(path)
    return found


SUBSETS = ("training", "validation", "both")
LABEL_MODES = ("int", "categorical", "binary", None)


def check_split(owner: str, validation_split: Any, subset: Any, shuffle: bool, seed: Any) -> float | None:
    """The ``validation_split`` (None or in (0, 1)) of a folder loader, checked with its ``subset``, as Keras
    checks them; shuffling before a split needs a ``seed`` so the two subsets do not overlap."""
    validation_split = arguments.real(owner, "validation_split", validation_split, minimum=0.0, maximum=1.0,
                                      exclusive_minimum=True, exclusive_maximum=True, optional=True)
    if subset is not None:
        arguments.choice(owner, "subset", subset, SUBSETS)
    if (validation_split is None) != (subset is None):
        raise ValueError(f"{owner}: `validation_split` and `subset` go together; received "
                         f"validation_split={validation_split!r}, subset={subset!r}.")
    if validation_split is not None and shuffle and seed is None:
        raise ValueError(f"{owner}: shuffling with a validation_split needs a seed, so the training and "
                         "validation subsets do not overlap.")
    arguments.seed(owner, seed)
    return validation_split


def split_subsets(count: int, validation_split: float | None, subset: str | None, build: Any) -> Any:
    """``build(part)`` for the ``subset`` Keras keeps: the last ``int(validation_split * count)`` samples are
    the validation subset; ``"both"`` gives the pair (training, validation)."""
    if validation_split is None:
        return build(slice(None))
    validation_count = int(validation_split * count)
    training, validation = slice(0, count - validation_count), slice(count - validation_count, None)
    if subset == "training":
        return build(training)
    if subset == "validation":
        return build(validation)
    return build(training), build(validation)


def encode_labels(targets: np.ndarray, label_mode: str, classes: int) -> np.ndarray:
    """Keras's label encodings: ``"int"`` int32 ``(n,)``, ``"binary"`` float32 ``(n, 1)``,
    ``"categorical"`` float32 one-hot ``(n, classes)``."""
    if label_mode == "int":
        return targets.astype(np.int32)
    if label_mode == "binary":
        return targets.astype(np.float32).reshape(-1, 1)
    return np.eye(classes, dtype=np.float32)[targets]
