"""What IMDB and Reuters share: word-index sequences shuffled, offset, filtered and capped as Keras does."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def offset(sequences: Sequence[Sequence[int]], start_char: int | None, index_from: int) -> list[list[int]]:
    """Indices moved up by ``index_from`` (reserving 0 padding, 1 start, 2 out-of-vocabulary), each
    sequence led by ``start_char`` unless it is None."""
    lead = [] if start_char is None else [start_char]
    return [lead + [word + index_from for word in sequence] for sequence in sequences]


def shorter_than(maxlen: int | None, sequences: list[list[int]], labels: np.ndarray) -> tuple[list, np.ndarray]:
    """Only the sequences (and their labels) shorter than ``maxlen``; all of them for None."""
    if not maxlen:
        return sequences, labels
    keep = [index for index, sequence in enumerate(sequences) if len(sequence) < maxlen]
    return [sequences[index] for index in keep], labels[keep]


def in_vocabulary(sequences: list[list[int]], num_words: int | None, skip_top: int,
                  oov_char: int | None) -> list[list[int]]:
    """Indices outside ``[skip_top, num_words)`` replaced by ``oov_char``, or dropped when it is None."""
    if not num_words:
        num_words = max(max(sequence) for sequence in sequences)
    if oov_char is not None:
        return [[word if skip_top <= word < num_words else oov_char for word in sequence] for sequence in sequences]
    return [[word for word in sequence if skip_top <= word < num_words] for sequence in sequences]


def ragged(sequences: list[list[int]]) -> np.ndarray:
    """An object array of lists, as Keras returns (``np.array(list_of_lists)`` would try to stack them)."""
    array = np.empty(len(sequences), dtype="object")
    array[:] = sequences
    return array
