"""Reuters newswires: 11,228 word-index sequences labelled with one of 46 topics."""

from __future__ import annotations

import json

import numpy as np

from oneiros.datasets._download import check_test_split, fetch, load_npz, shuffled
from oneiros.datasets._sequences import in_vocabulary, offset, ragged, shorter_than

LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply", "coffee", "sugar",
    "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas", "cpi", "money-fx", "interest", "gnp",
    "meal-feed", "alum", "oilseed", "gold", "tin", "strategic-metal", "livestock", "retail", "ipi", "iron-steel",
    "rubber", "heat", "jobs", "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog",
    "lead",
)


def load_data(path: str = "reuters.npz", num_words: int | None = None, skip_top: int = 0,
              maxlen: int | None = None, test_split: float = 0.2, seed: int = 113, start_char: int | None = 1,
              oov_char: int | None = 2,
              index_from: int = 3) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """``(x_train, y_train), (x_test, y_test)``: object arrays of int lists and topic indices, as Keras.

    Example:
        >>> (x_train, y_train), _ = oi.datasets.reuters.load_data(num_words=10000, test_split=0.2)
    """
    check_test_split("reuters.load_data", test_split)
    arrays = load_npz(fetch("reuters.npz", path))
    sequences, labels = shuffled(np.random.RandomState(seed), arrays["x"], arrays["y"])
    sequences, labels = shorter_than(maxlen, offset(sequences, start_char, index_from), labels)
    sequences = in_vocabulary(sequences, num_words, skip_top, oov_char)
    cut = int(len(sequences) * (1 - test_split))
    return ((ragged(sequences[:cut]), np.array(labels[:cut])),
            (ragged(sequences[cut:]), np.array(labels[cut:])))


def get_word_index(path: str = "reuters_word_index.json") -> dict[str, int]:
    """``word -> index`` (1 = most frequent), before ``index_from`` is added."""
    with open(fetch("reuters_word_index.json", path)) as stream:
        return json.load(stream)


def get_label_names() -> tuple[str, ...]:
    """The 46 topic names, indexed by label."""
    return LABEL_NAMES
