"""text_dataset_from_directory: a Dataset of texts whose labels are their folders' names."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import numpy as np

from oneiros.data import DataError

from oneiros_text import _checks
from oneiros_text.data._decoding import read_text
from oneiros_text.data._text_dataset import TextDataset

LABEL_MODES = ("int", "categorical", "binary", None)
SUBSETS = ("training", "validation", "both")


def text_dataset_from_directory(directory: str | os.PathLike, labels: Any = "inferred", label_mode: str | None = "int",
                                class_names: list[str] | None = None, batch_size: int = 32,
                                max_length: int | None = None, shuffle: bool = True, seed: int | None = None,
                                validation_split: float | None = None, subset: str | None = None,
                                follow_links: bool = False, encoding: str = "utf-8") -> Any:
    """Reads every ``.txt`` file under ``directory`` and serves them in batches, as Keras does:

    - ``labels="inferred"``: each subdirectory is a class (alphanumeric order, or the order of
      ``class_names``), its files (at any depth) are its samples; a list/tuple of ints gives
      one label per file in the alphanumeric order of all file paths; None means no labels.
    - ``label_mode``: ``"int"`` (int32 ``(batch,)``), ``"categorical"`` (float32 one-hot),
      ``"binary"`` (float32 ``(batch, 1)``, exactly two classes) or None (texts only).
    - ``max_length``: texts are cut to that many characters.
    - ``shuffle``/``seed``: the files are shuffled once with ``seed`` before the split, and each
      epoch's order is redrawn; ``validation_split`` with ``subset`` ``"training"``,
      ``"validation"`` or ``"both"`` (a pair) keeps the last fraction of the shuffled files for
      validation, so both subsets need the same seed.

    Returns an ``oneiros.data.Dataset`` (``class_names``, ``texts`` and ``labels`` attributes)
    yielding ``(texts, labels)`` with texts as numpy object arrays of str: vectorize them
    (``TextVectorization``) before training. Registered as the data loader ``"text_folder"``.
    """
    owner = "text_dataset_from_directory"
    root = Path(directory)
    if not root.is_dir():
        raise DataError(f"{owner}: no directory at {str(directory)!r}.")
    batch_size = _checks.positive_int(owner, "batch_size", batch_size)
    max_length = _checks.optional_positive_int(owner, "max_length", max_length)
    _checks.choice(owner, "label_mode", label_mode, LABEL_MODES)
    _check_split(owner, validation_split, subset, shuffle, seed)
    if labels is None:
        label_mode = None
    if seed is None:
        seed = int(np.random.default_rng().integers(2**31))
    paths, targets, names = _index(owner, root, labels, class_names, follow_links)
    if label_mode == "binary" and len(names) != 2:
        raise ValueError(f"{owner}: label_mode='binary' needs exactly 2 classes; found {len(names)}: {names}.")
    if shuffle:
        order = np.random.default_rng(seed).permutation(len(paths))
        paths = [paths[i] for i in order]
        targets = None if targets is None else targets[order]
    texts = np.asarray([_read(path, encoding, max_length) for path in paths], dtype=object)
    encoded = None if targets is None or label_mode is None else _encode_labels(targets, label_mode, len(names))

    def dataset(part: slice) -> TextDataset:
        return TextDataset(texts[part], None if encoded is None else encoded[part], batch_size, names, shuffle, seed)

    if not validation_split:
        return dataset(slice(None))
    validation_count = int(validation_split * len(texts))
    training, validation = slice(0, len(texts) - validation_count), slice(len(texts) - validation_count, None)
    if subset == "training":
        return dataset(training)
    if subset == "validation":
        return dataset(validation)
    return dataset(training), dataset(validation)


def _check_split(owner: str, validation_split: Any, subset: Any, shuffle: bool, seed: Any) -> None:
    if validation_split is not None and (isinstance(validation_split, bool) or
                                         not isinstance(validation_split, (int, float)) or
                                         not 0 < validation_split < 1):
        raise ValueError(f"{owner}: argument `validation_split` must be None or a number in (0, 1); received "
                         f"validation_split={validation_split!r}.")
    if subset is not None:
        _checks.choice(owner, "subset", subset, SUBSETS)
    if bool(validation_split) != (subset is not None):
        raise ValueError(f"{owner}: validation_split and subset go together; received validation_split="
                         f"{validation_split!r}, subset={subset!r}.")
    if validation_split and shuffle and seed is None:
        raise ValueError(f"{owner}: shuffling with a validation_split needs a seed, so the training and "
                         "validation subsets do not overlap.")
    _checks.seed(owner, seed)


def _text_files(folder: Path, follow_links: bool) -> list[Path]:
    """The ``.txt`` files under ``folder``: each real folder and file once (links may form loops),
    and only regular files (reading a FIFO would wait forever)."""
    found = []
    seen_folders: set[str] = set()
    seen_files: set[str] = set()
    for current, subfolders, files in os.walk(folder, followlinks=follow_links):
        seen_folders.add(os.path.realpath(current))
        subfolders[:] = sorted(name for name in subfolders
                               if os.path.realpath(os.path.join(current, name)) not in seen_folders)
        for name in sorted(files):
            path = Path(current) / name
            if not name.lower().endswith(".txt") or os.path.realpath(path) in seen_files:
                continue
            if not stat.S_ISREG(os.stat(path).st_mode):
                raise DataError(f"text_dataset_from_directory: {str(path)!r} is not a regular file (a FIFO, "
                                "socket or device); every .txt entry must be a file.")
            seen_files.add(os.path.realpath(path))
            found.append(path)
    return sorted(found)


def _index(owner: str, root: Path, labels: Any, class_names: list[str] | None,
           follow_links: bool) -> tuple[list[Path], np.ndarray | None, list[str]]:
    """(file paths, label ids or None, class names)."""
    if labels == "inferred":
        folders = sorted(entry.name for entry in root.iterdir() if entry.is_dir())
        if class_names is not None:
            if sorted(class_names) != folders:
                raise ValueError(f"{owner}: class_names {class_names} must name exactly the subdirectories of "
                                 f"{str(root)!r}: {folders}.")
            folders = list(class_names)
        paths, targets = [], []
        for label, folder in enumerate(folders):
            files = _text_files(root / folder, follow_links)
            paths.extend(files)
            targets.extend([label] * len(files))
        if not paths:
            raise DataError(f"{owner}: no .txt files in the subdirectories of {str(root)!r}.")
        return paths, np.asarray(targets, dtype=np.int64), folders
    paths = _text_files(root, follow_links)
    if not paths:
        raise DataError(f"{owner}: no .txt files under {str(root)!r}.")
    if labels is None:
        return paths, None, []
    if not isinstance(labels, (list, tuple)) or len(labels) != len(paths) or not all(
            isinstance(label, int) and not isinstance(label, bool) and label >= 0 for label in labels):
        raise ValueError(f"{owner}: labels must be 'inferred', None, or one non-negative int per .txt file "
                         f"({len(paths)} found); received {labels!r}.")
    count = max(labels) + 1
    names = list(class_names) if class_names is not None else [str(index) for index in range(count)]
    return paths, np.asarray(labels, dtype=np.int64), names


def _read(path: Path, encoding: str, max_length: int | None) -> str:
    text = read_text(path, encoding)
    return text if max_length is None else text[:max_length]


def _encode_labels(targets: np.ndarray, label_mode: str, classes: int) -> np.ndarray:
    if label_mode == "int":
        return targets.astype(np.int32)
    if label_mode == "binary":
        return targets.astype(np.float32).reshape(-1, 1)
    return np.eye(classes, dtype=np.float32)[targets]
