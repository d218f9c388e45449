"""MNIST handwritten digits: 28x28 uint8 images, labels 0-9, from the four IDX files.

``load_data()`` downloads the canonical files once into a cache and verifies their checksums;
``load_data(path)`` reads a folder that already holds them (gzip or plain).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from oneiros_vision.data.idx import load_idx
from oneiros_vision.datasets._download import cached_download

BASE_URL = "https://ossci-datasets.s3.amazonaws.com/mnist/"
FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
CHECKSUMS = {
    "train-images-idx3-ubyte.gz": "md5:f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "md5:d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "md5:9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "md5:ec29112dd5afa0611ce80d1b7f02629c",
}
"""The published MD5s of the original files (LeCun et al.), as mirrored at BASE_URL."""


def default_cache_dir() -> Path:
    """``$ONEIROS_HOME/datasets/mnist``, by default ``~/.oneiros/datasets/mnist``."""
    home = os.environ.get("ONEIROS_HOME")
    return (Path(home) if home else Path.home() / ".oneiros") / "datasets" / "mnist"


def _find(directory: Path, name: str) -> Path:
    """``name`` in ``directory``, or its uncompressed twin (without ``.gz``)."""
    for candidate in (directory / name, directory / name.removesuffix(".gz")):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"MNIST: {directory} has neither {name} nor {name.removesuffix('.gz')}.")


def load_split(path: str | os.PathLike, split: str = "test") -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 (n, 28, 28), labels uint8 (n,)) of the "train" or "test" (t10k) files in
    the folder ``path``; checks that the two files agree.

    Example::

        x_test, y_test = load_split("data/", "test")      # or oi.data.load("mnist_idx", "data/")
    """
    if split not in FILES:
        raise ValueError(f"MNIST: `split` must be 'train' or 'test'; received split={split!r}.")
    directory = Path(path)
    images_path, labels_path = (_find(directory, name) for name in FILES[split])
    images, labels = load_idx(images_path), load_idx(labels_path)
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(f"MNIST: {images_path} holds {images.dtype} {images.shape}; expected uint8 (n, 28, 28).")
    if labels.dtype != np.uint8 or labels.shape != images.shape[:1] or (labels.size and labels.max() > 9):
        raise ValueError(f"MNIST: {labels_path} holds {labels.dtype} {labels.shape} (max {labels.max(initial=0)}); "
                         f"expected {images.shape[0]} uint8 labels in 0-9, one per image of {images_path}.")
    return images, labels


def load_data(path: str | os.PathLike | None = None, cache_dir: str | os.PathLike | None = None,
              base_url: str = BASE_URL, checksums: dict[str, str] | None = None,
              ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """``((x_train, y_train), (x_test, y_test))``, as Keras's ``mnist.load_data``.

    With ``path``, reads the four files from that folder. Without, downloads whichever are not
    cached yet from ``base_url`` into ``cache_dir`` (default :func:`default_cache_dir`),
    verifying each against ``checksums`` (file name -> "md5:<hex>" or "sha256:<hex>"; default
    :data:`CHECKSUMS`); a mismatch raises DownloadError and caches nothing.

    Example::

        (x_train, y_train), (x_test, y_test) = load_data()
    """
    if path is None:
        directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        wanted = {**CHECKSUMS, **(checksums or {})}
        for name in (name for pair in FILES.values() for name in pair):
            cached_download(base_url.rstrip("/") + "/" + name, directory / name, wanted[name])
        path = directory
    return load_split(path, "train"), load_split(path, "test")
