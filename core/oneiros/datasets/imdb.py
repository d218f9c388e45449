"""IMDB movie reviews: 25,000 training and 25,000 test reviews as word-index sequences, 0/1 sentiment."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from oneiros.datasets._download import fetch, load_npz, shuffled
from oneiros.datasets._sequences import in_vocabulary, offset, ragged, shorter_than


def load_data(path: str = "imdb.npz", num_words: int | None = None, skip_top: int = 0, maxlen: int | None = None,
              seed: int = 113, start_char: int | None = 1, oov_char: int | None = 2, index_from: int = 3,
              **kwargs: Any) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """``(x_train, y_train), (x_test, y_test)``: object arrays of int lists and int labels, as Keras.

    Example:
        >>> (x_train, y_train), _ = oi.datasets.imdb.load_data(num_words=10000, maxlen=200)

    Args:
        num_words: keep the ``num_words`` most frequent words (higher indices become ``oov_char``).
        skip_top: also treat the ``skip_top`` most frequent words as out of vocabulary.
        maxlen: drop reviews of ``maxlen`` words or more.
        seed: the shuffle's seed. ``start_char``, ``oov_char``, ``index_from``: as in Keras.
    """
    if kwargs:
        raise TypeError(f"imdb.load_data: unexpected arguments {sorted(kwargs)}.")
    arrays = load_npz(fetch("imdb.npz", path))
    rng = np.random.RandomState(seed)
    x_train, y_train = shuffled(rng, arrays["x_train"], arrays["y_train"])
    x_test, y_test = shuffled(rng, arrays["x_test"], arrays["y_test"])
    x_train, y_train = shorter_than(maxlen, offset(x_train, start_char, index_from), y_train)
    x_test, y_test = shorter_than(maxlen, offset(x_test, start_char, index_from), y_test)
    if not x_train or not x_test:
        raise ValueError(f"imdb.load_data: no review is shorter than maxlen={maxlen}; increase maxlen.")
    sequences = in_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([y_train, y_test])
    cut = len(x_train)
    return (ragged(sequences[:cut]), labels[:cut]), (ragged(sequences[cut:]), labels[cut:])


def get_word_index(path: str = "imdb_word_index.json") -> dict[str, int]:
    """``word -> index`` (1 = most frequent), before ``index_from`` is added."""
    with open(fetch("imdb_word_index.json", path)) as stream:
        return json.load(stream)
