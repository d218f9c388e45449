"""split_dataset: arrays (or a tuple, list or dict of equally long arrays) cut into a left and a right part."""

from __future__ import annotations

import functools
import numbers
import operator
import random
from collections.abc import Callable
from typing import Any

import numpy as np


def split_dataset(dataset: Any, left_size: int | float | None = None, right_size: int | float | None = None,
                  shuffle: bool = False, seed: int | None = None) -> tuple[Any, Any]:
    """``(left, right)``, each of ``dataset``'s structure, as ``keras.utils.split_dataset`` splits it.

    A float size is a fraction of the samples (rounded), an int a count; a missing size is the
    complement of the other. ``left`` takes the first ``left_size`` samples and ``right`` the last
    ``right_size`` (samples between them, when both are given and sum to less than all, are
    dropped). ``shuffle`` permutes the samples first with Python's ``random`` seeded by ``seed``,
    which gives the permutation Keras draws for the same seed.

    Keras returns ``tf.data.Dataset`` objects; here both parts are numpy arrays in the input's
    structure, which ``fit`` takes directly.

    Example::

        (x_train, y_train), (x_test, y_test) = split_dataset((x, y), left_size=0.8, shuffle=True, seed=1)
    """
    owner = "split_dataset"
    arrays, rebuild = _flatten(owner, dataset)
    total = len(arrays[0])
    left, right = _sizes(owner, left_size, right_size, total)
    order = list(range(total))
    if shuffle:
        if seed is None:
            from oneiros.random_state import next_seed

            seed = next_seed()
        random.Random(seed).shuffle(order)
    left_rows, right_rows = np.asarray(order[:left], dtype=np.int64), np.asarray(order[total - right:], dtype=np.int64)
    return rebuild([array[left_rows] for array in arrays]), rebuild([array[right_rows] for array in arrays])


def _flatten(owner: str, dataset: Any) -> tuple[list[np.ndarray], Callable[[list[np.ndarray]], Any]]:
    """The arrays of ``dataset`` and a function that puts split arrays back into its structure."""
    if isinstance(dataset, dict):
        keys = list(dataset)
        arrays = [np.asarray(dataset[key]) for key in keys]
        rebuild = functools.partial(_as_dict, keys)
    elif isinstance(dataset, (tuple, list)):
        arrays = [np.asarray(item) for item in dataset]
        rebuild = type(dataset)
    elif hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__"):
        arrays = [np.asarray(dataset)]
        rebuild = operator.itemgetter(0)
    else:
        raise TypeError(f"{owner}: `dataset` must be an array, or a tuple, list or dict of arrays; received "
                        f"{type(dataset).__name__}.")
    lengths = [len(array) if array.ndim else None for array in arrays]
    if not arrays or None in lengths or len(set(lengths)) != 1:
        raise ValueError(f"{owner}: `dataset` must hold arrays of one length (samples on the first axis); "
                         f"received lengths {lengths}.")
    return arrays, rebuild


def _as_dict(keys: list[Any], parts: list[np.ndarray]) -> dict[Any, np.ndarray]:
    return dict(zip(keys, parts))


def _sizes(owner: str, left_size: Any, right_size: Any, total: int) -> tuple[int, int]:
    """Keras's rules for the two sizes, as sample counts."""
    if left_size is None and right_size is None:
        raise ValueError(f"{owner}: give `left_size`, `right_size` or both; received neither.")
    counts = {}
    for side, size in (("left", left_size), ("right", right_size)):
        if size is None:
            continue
        if isinstance(size, bool) or not isinstance(size, numbers.Real):
            raise TypeError(f"{owner}: `{side}_size` must be an int, a float or None; received "
                            f"{side}_size={size!r}.")
        if isinstance(size, numbers.Integral):
            if not 0 < size < total:
                raise ValueError(f"{owner}: an int `{side}_size` must lie in [1, {total}) for {total} samples; "
                                 f"received {side}_size={size!r}.")
            counts[side] = int(size)
        else:
            if not 0 < size < 1:
                raise ValueError(f"{owner}: a float `{side}_size` must lie in (0, 1); received {side}_size={size!r}.")
            counts[side] = round(size * total)
    left = counts.get("left", total - counts.get("right", 0))
    right = counts.get("right", total - left)
    if left + right > total:
        raise ValueError(f"{owner}: left_size={left_size!r} and right_size={right_size!r} ask for {left + right} "
                         f"samples; the dataset has {total}.")
    if not left or not right:
        raise ValueError(f"{owner}: with {total} samples, left_size={left_size!r} and right_size={right_size!r} "
                         f"leave the {'left' if not left else 'right'} part empty.")
    return left, right
