"""Standardizing, splitting and n-gram joining of text, as Keras's TextVectorization does it."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

PUNCTUATION = re.compile(r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']')
"""The characters Keras strips: ASCII punctuation."""

WHITESPACE = re.compile(r"[ \t\n\r\v\f]+")
"""ASCII whitespace, where TensorFlow's whitespace split cuts."""

ASCII_LOWERCASE = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
"""What Keras's lowercasing changes: ``tf.strings.lower`` without an encoding maps ASCII letters
only, so "Ü" stays "Ü" (``str.lower`` would merge it with "ü" and change the vocabulary)."""

STANDARDIZE_MODES = ("lower_and_strip_punctuation", "lower", "strip_punctuation", None)
SPLIT_MODES = ("whitespace", "character", None)


def standardize(texts: np.ndarray, mode: str | Callable | None) -> np.ndarray:
    """``texts`` (object array of str, one per sample) lowercased and/or stripped of punctuation;
    a callable gets the array and returns one string per sample."""
    if callable(mode):
        result = np.asarray(mode(texts), dtype=object)
        if result.shape != texts.shape:
            raise ValueError(f"TextVectorization: the standardize callable must return one string per sample "
                             f"(shape {texts.shape}); it returned shape {result.shape}.")
        return result
    converted = texts.tolist()
    if mode in ("lower", "lower_and_strip_punctuation"):
        converted = [text.translate(ASCII_LOWERCASE) for text in converted]
    if mode in ("strip_punctuation", "lower_and_strip_punctuation"):
        converted = [PUNCTUATION.sub("", text) for text in converted]
    return np.asarray(converted, dtype=object).reshape(texts.shape)


def split(texts: np.ndarray, mode: str | Callable | None) -> list[list[str]]:
    """One token list per sample. ``None`` takes each sample's strings as its tokens; a callable
    gets the array of strings and returns one sequence of tokens per sample."""
    if mode is None:
        return [list(row) if isinstance(row, (list, np.ndarray)) else [row] for row in texts.tolist()]
    if callable(mode):
        rows = mode(texts)
        if len(rows) != len(texts):
            raise ValueError(f"TextVectorization: the split callable must return one token sequence per sample "
                             f"({len(texts)}); it returned {len(rows)}.")
        return [[str(token) for token in row] for row in rows]
    if mode == "whitespace":
        return [[token for token in WHITESPACE.split(text) if token] for text in texts.tolist()]
    return [list(text) for text in texts.tolist()]


def ngrams(tokens: Sequence[str], widths: Sequence[int] | None) -> list[str]:
    """All n-grams of each width, widths in order, tokens joined by one space (tf.strings.ngrams)."""
    if widths is None:
        return list(tokens)
    grams: list[str] = []
    for width in widths:
        grams.extend(" ".join(tokens[start:start + width]) for start in range(len(tokens) - width + 1))
    return grams


def ngram_widths(owner: str, value: Any) -> tuple[int, ...] | None:
    """None, ``n`` (widths 1..n) or a tuple of widths."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return tuple(range(1, value + 1))
    if isinstance(value, (tuple, list)) and value and all(
            isinstance(width, int) and not isinstance(width, bool) and width >= 1 for width in value):
        return tuple(value)
    raise ValueError(f"{owner}: argument `ngrams` must be None, a positive int or a tuple of positive ints; "
                     f"received ngrams={value!r}.")
