"""Where each data set file comes from, its checksum, and the cached download through ``get_file``."""

from __future__ import annotations

import io
import os
import pickle
import zipfile
from typing import Any

import numpy as np

KERAS_BUCKET = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
TORONTO = "https://www.cs.toronto.edu/~kriz/"
MIRROR_VARIABLE = "ONEIROS_DATASETS_URL"

SOURCES: dict[str, tuple[str, str | None]] = {
    "mnist.npz": (KERAS_BUCKET, "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"),
    "imdb.npz": (KERAS_BUCKET, "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"),
    "imdb_word_index.json": (KERAS_BUCKET, "bfafd718b763782e994055a2d397834f"),
    "reuters.npz": (KERAS_BUCKET, "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"),
    "reuters_word_index.json": (KERAS_BUCKET, "4d44cc38712099c9e383dc6e5f11a921"),
    "boston_housing.npz": (KERAS_BUCKET, "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"),
    "california_housing.npz": (KERAS_BUCKET, "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"),
    "cifar-10-python.tar.gz": (TORONTO, "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"),
    "cifar-100-python.tar.gz": (TORONTO, "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"),
    # Keras publishes no checksums for Fashion-MNIST's files.
    "train-labels-idx1-ubyte.gz": (KERAS_BUCKET, None),
    "train-images-idx3-ubyte.gz": (KERAS_BUCKET, None),
    "t10k-labels-idx1-ubyte.gz": (KERAS_BUCKET, None),
    "t10k-images-idx3-ubyte.gz": (KERAS_BUCKET, None),
}
"""``file name -> (base URL, sha256 or md5 hex digest)``, Keras's URLs and checksums."""


def fetch(source: str, fname: str | None = None, cache_subdir: str = "datasets", extract: bool = False) -> str:
    """The local path of the data set file ``source`` (downloaded and verified on first use).

    ``fname`` is the name it is cached under (Keras's ``path`` argument); ``$ONEIROS_DATASETS_URL``,
    when set, replaces the base URL (an organization's mirror serving the same files).
    """
    from oneiros.utils import get_file

    base, file_hash = SOURCES[source]
    base = os.environ.get(MIRROR_VARIABLE) or base
    return get_file(fname or source, origin=base.rstrip("/") + "/" + source, file_hash=file_hash,
                    cache_subdir=cache_subdir, extract=extract)


_ARRAY_GLOBALS = frozenset({("numpy", "ndarray"), ("numpy", "dtype"), ("numpy.core.multiarray", "_reconstruct"),
                            ("numpy._core.multiarray", "_reconstruct")})


class ArrayUnpickler(pickle.Unpickler):
    """Unpickles numpy arrays and plain Python values only: a crafted file cannot run code."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ARRAY_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to unpickle {module}.{name} from a data set file; only numpy "
                                     "arrays are expected (the file may be corrupt or malicious).")


def load_npz(path: str) -> dict[str, np.ndarray]:
    """The arrays of an ``.npz`` file; ragged object arrays are read through :class:`ArrayUnpickler`."""
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith(".npy"):
                arrays[member[:-len(".npy")]] = _read_npy(io.BytesIO(archive.read(member)))
    return arrays


def _read_npy(stream: io.BytesIO) -> np.ndarray:
    try:
        return np.lib.format.read_array(stream, allow_pickle=False)
    except ValueError:  # an object array: numpy would unpickle anything, so read past the header here
        stream.seek(0)
        major, _ = np.lib.format.read_magic(stream)
        if major == 1:
            np.lib.format.read_array_header_1_0(stream)
        else:
            np.lib.format.read_array_header_2_0(stream)
        return ArrayUnpickler(stream).load()


def shuffled(rng: np.random.RandomState, *arrays: np.ndarray) -> list[np.ndarray]:
    """Each array in one permutation drawn from ``rng`` (Keras's shuffle: one draw per call)."""
    order = np.arange(len(arrays[0]))
    rng.shuffle(order)
    return [array[order] for array in arrays]


def shuffled_split(x: np.ndarray, y: np.ndarray, test_split: float, seed: int) -> tuple[tuple, tuple]:
    """Keras's split: shuffled by ``np.random.RandomState(seed)``, the last ``test_split`` for test."""
    x, y = shuffled(np.random.RandomState(seed), x, y)
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))


def check_test_split(owner: str, test_split: float) -> None:
    """Refuses a split outside [0, 1) before anything is downloaded."""
    if not 0 <= test_split < 1:
        raise ValueError(f"{owner}: expected 0 <= test_split < 1; received test_split={test_split!r}.")
