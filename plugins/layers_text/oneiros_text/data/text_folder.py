"""text_dataset_from_directory: a Dataset of texts whose labels are their folders' names."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from oneiros import arguments
from oneiros.data import DataError
from oneiros.data.directory import LABEL_MODES, check_split, encode_labels, labelled_files, split_subsets

from oneiros_text.data._decoding import read_text
from oneiros_text.data._text_dataset import TextDataset


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
    batch_size = arguments.positive_int(owner, "batch_size", batch_size)
    max_length = arguments.positive_int(owner, "max_length", max_length, optional=True)
    arguments.choice(owner, "label_mode", label_mode, LABEL_MODES)
    validation_split = check_split(owner, validation_split, subset, shuffle, seed)
    if labels is None:
        label_mode = None
    if seed is None:
        seed = int(np.random.default_rng().integers(2**31))
    paths, targets, names = labelled_files(root, (".txt",), labels, label_mode, class_names, follow_links, shuffle,
                                           seed, owner)
    texts = np.asarray([_read(path, encoding, max_length) for path in paths], dtype=object)
    encoded = None if targets is None or label_mode is None else encode_labels(targets, label_mode, len(names))

    def dataset(part: slice) -> TextDataset:
        return TextDataset(texts[part], None if encoded is None else encoded[part], batch_size, names, shuffle, seed)

    return split_subsets(len(texts), validation_split, subset, dataset)


def _read(path: Path, encoding: str, max_length: int | None) -> str:
    text = read_text(path, encoding)
    return text if max_length is None else text[:max_length]
