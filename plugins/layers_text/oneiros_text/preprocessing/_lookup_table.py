"""LookupTable: a lookup layer's vocabulary and the index arithmetic around it (numpy, host side).

Index layout, as in Keras: for ``output_mode="int"`` the mask token (if any) is index 0, then
``num_oov_indices`` out-of-vocabulary indices, then the vocabulary; for the other modes there is
no mask index (mask tokens are dropped) and the OOV indices come first.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

import numpy as np

from oneiros import arguments

from oneiros_text.preprocessing._vocabulary import TokenCounter

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
DROPPED = -1
"""The index a mask token gets outside ``output_mode="int"``: it counts nowhere."""


class LookupTable:
    """Holds the vocabulary (without special tokens), maps tokens to indices and encodes them.

    ``oov_buckets(tokens, buckets)`` spreads unknown tokens over several OOV indices.
    """

    def __init__(self, owner: str, *, max_tokens: int | None, num_oov_indices: int, mask_token: Hashable | None,
                 oov_token: Hashable, output_mode: str, pad_to_max_tokens: bool,
                 oov_buckets: Callable[[list, int], np.ndarray]):
        self.owner = owner
        self.max_tokens = arguments.positive_int(owner, "max_tokens", max_tokens, optional=True)
        if isinstance(num_oov_indices, bool) or not isinstance(num_oov_indices, int) or num_oov_indices < 0:
            raise ValueError(f"{owner}: argument `num_oov_indices` must be an int >= 0; "
                             f"received num_oov_indices={num_oov_indices!r}.")
        self.num_oov_indices = num_oov_indices
        self.output_mode = arguments.choice(owner, "output_mode", output_mode, OUTPUT_MODES)
        self.pad_to_max_tokens = arguments.flag(owner, "pad_to_max_tokens", pad_to_max_tokens)
        if self.pad_to_max_tokens and self.max_tokens is None:
            raise ValueError(f"{owner}: pad_to_max_tokens=True needs max_tokens; received max_tokens=None.")
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.oov_buckets = oov_buckets
        if self.max_tokens is not None and self.max_tokens <= self.token_start:
            raise ValueError(f"{owner}: max_tokens={self.max_tokens} leaves no room for tokens after the "
                             f"{self.token_start} special indices.")
        self.tokens: list = []
        self.index: dict[Hashable, int] = {}
        self.idf: np.ndarray | None = None

    @property
    def mask_index(self) -> int | None:
        return 0 if self.mask_token is not None and self.output_mode == "int" else None

    @property
    def oov_start(self) -> int:
        return 1 if self.mask_index is not None else 0

    @property
    def token_start(self) -> int:
        return self.oov_start + self.num_oov_indices

    def special_tokens(self) -> list:
        return [self.mask_token] * self.oov_start + [self.oov_token] * self.num_oov_indices

    @property
    def has_vocabulary(self) -> bool:
        return bool(self.tokens)

    def vocabulary_size(self) -> int:
        return self.token_start + len(self.tokens)

    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        return (self.special_tokens() if include_special_tokens else []) + list(self.tokens)

    def depth(self) -> int | None:
        """The size of encoded outputs (not ``int`` mode); None until there is a vocabulary."""
        if self.pad_to_max_tokens:
            return self.max_tokens
        return self.vocabulary_size() if self.has_vocabulary else None

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None,
                       convert: Callable[[Any], Hashable] = lambda token: token) -> None:
        """Replaces the vocabulary (special tokens at its start are recognised and skipped).

        Everything is checked before anything changes. A vocabulary is a list of tokens: a path
        is refused, because a config (and so a model file) must never make the layer read a file.
        """
        owner = self.owner
        if isinstance(vocabulary, (str, bytes, os.PathLike)):
            raise ValueError(
                f"{owner}: argument `vocabulary` must be a list of tokens; received {vocabulary!r}. Vocabularies "
                "are never read from a path (a model file could name any file); read the file yourself and pass "
                "its tokens as a list."
            )
        if not isinstance(vocabulary, (list, tuple, np.ndarray)):
            raise ValueError(f"{owner}: argument `vocabulary` must be a list of tokens; received "
                             f"{type(vocabulary).__name__}.")
        tokens = [convert(token) for token in np.asarray(vocabulary, dtype=object).reshape(-1).tolist()]
        if not tokens:
            raise ValueError(f"{owner}: cannot set an empty vocabulary.")
        specials = self.special_tokens()
        has_specials = bool(specials) and tokens[:len(specials)] == specials
        learned = tokens[len(specials):] if has_specials else tokens
        self._check_tokens(learned, specials)
        weights = self._full_idf(idf_weights, len(tokens), has_specials)
        if self.max_tokens is not None and self.token_start + len(learned) > self.max_tokens:
            raise ValueError(f"{owner}: the vocabulary has {self.token_start + len(learned)} entries with the special "
                             f"tokens; max_tokens is {self.max_tokens}.")
        self.tokens = learned
        self.index = {token: self.token_start + position for position, token in enumerate(learned)}
        self.idf = weights

    def load_asset(self, files: Mapping[str, bytes], parse: Callable[[str], Hashable]) -> None:
        """The vocabulary Keras saved beside the config (``vocabulary.txt``: a token per line, the
        special tokens first, each line read with ``parse``); a vocabulary the config gave wins, as
        in Keras."""
        content = files.get("vocabulary.txt")
        if content is None or self.has_vocabulary:
            return
        lines = content.decode("utf-8").splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        self.set_vocabulary([parse(line) for line in lines])

    def _check_tokens(self, tokens: list, specials: list) -> None:
        counts = Counter(tokens)
        repeated = sorted(repr(token) for token, count in counts.items() if count > 1)
        if repeated:
            raise ValueError(f"{self.owner}: the vocabulary repeats {', '.join(repeated)}; tokens must be unique.")
        for special in dict.fromkeys(specials):
            if special in counts:
                raise ValueError(f"{self.owner}: the vocabulary holds the special token {special!r} after its start; "
                                 f"give the special tokens only first, in the order {specials}, or not at all.")

    def _full_idf(self, idf_weights: Any, count: int, has_specials: bool) -> np.ndarray | None:
        """idf weights for every index: given ones, the mean for missing OOV entries, zeros after."""
        owner = self.owner
        if self.output_mode != "tf_idf":
            if idf_weights is not None:
                raise ValueError(f"{owner}: idf_weights apply to output_mode='tf_idf' only; received "
                                 f"output_mode={self.output_mode!r}.")
            return None
        if idf_weights is None:
            raise ValueError(f"{owner}: output_mode='tf_idf' with a given vocabulary needs idf_weights, one per "
                             "vocabulary entry.")
        weights = np.asarray(idf_weights, dtype=np.float32).reshape(-1)
        if weights.size != count:
            raise ValueError(f"{owner}: idf_weights must have one weight per vocabulary entry ({count}); "
                             f"received {weights.size}.")
        if not has_specials:
            weights = np.concatenate([np.full(self.token_start, weights.mean(), np.float32), weights])
        if self.pad_to_max_tokens:
            weights = np.concatenate([weights, np.zeros(self.max_tokens - weights.size, np.float32)])
        return weights

    def learn(self, counter: TokenCounter) -> None:
        """The vocabulary (and idf weights) ``adapt`` found: the most frequent tokens first."""
        limit = None if self.max_tokens is None else self.max_tokens - self.token_start
        tokens = counter.ordered_tokens(limit, excluded=[self.mask_token, self.oov_token])
        if not tokens:
            raise ValueError(f"{self.owner}.adapt found no tokens in the data.")
        weights = None
        if self.output_mode == "tf_idf":
            learned = counter.idf_weights(tokens)
            weights = [sum(learned) / len(learned)] * self.token_start + learned
        self.set_vocabulary(self.special_tokens() + tokens, weights)

    def require_vocabulary(self) -> None:
        if not self.has_vocabulary:
            raise ValueError(f"{self.owner} has no vocabulary: call adapt(data) or pass vocabulary=[...] first.")

    def lookup(self, tokens: list) -> np.ndarray:
        """Indices (int64) of ``tokens``; unknown tokens go to the OOV indices."""
        self.require_vocabulary()
        oov = -2
        indices = np.fromiter((self.index.get(token, oov) for token in tokens), dtype=np.int64, count=len(tokens))
        if self.mask_token is not None:
            is_mask = np.fromiter((token == self.mask_token for token in tokens), dtype=bool, count=len(tokens))
            indices[is_mask] = DROPPED if self.mask_index is None else self.mask_index
        unknown = indices == oov
        if unknown.any():
            if self.num_oov_indices == 0:
                missing = [tokens[i] for i in np.flatnonzero(unknown)[:5]]
                raise ValueError(f"{self.owner}: with num_oov_indices=0 every input must be in the vocabulary; "
                                 f"received unknown tokens such as {missing}.")
            if self.num_oov_indices == 1:
                indices[unknown] = self.oov_start
            else:
                unknown_tokens = [tokens[i] for i in np.flatnonzero(unknown)]
                indices[unknown] = self.oov_start + self.oov_buckets(unknown_tokens, self.num_oov_indices)
        return indices

    def invert(self, indices: np.ndarray) -> list:
        """Tokens of ``indices``; out-of-range indices give the OOV token."""
        self.require_vocabulary()
        vocabulary = self.get_vocabulary()
        return [vocabulary[i] if 0 <= i < len(vocabulary) else self.oov_token for i in indices.tolist()]

    def encode_rows(self, rows: Sequence[np.ndarray]) -> np.ndarray:
        """(len(rows), depth) float32 for multi_hot / count / tf_idf: one row of indices per sample."""
        depth = self.depth()
        encoded = np.zeros((len(rows), depth), dtype=np.float32)
        for position, row in enumerate(rows):
            counts = np.bincount(row[row >= 0], minlength=depth)
            encoded[position] = counts > 0 if self.output_mode == "multi_hot" else counts
        if self.output_mode == "tf_idf":
            encoded *= self.idf
        return encoded

    def encode_one_hot(self, indices: np.ndarray) -> np.ndarray:
        """``indices.shape + (depth,)`` float32; dropped (mask) entries are all zeros."""
        depth = self.depth()
        encoded = np.zeros((*indices.shape, depth), dtype=np.float32)
        flat = encoded.reshape(-1, depth)
        positions = np.flatnonzero(indices.reshape(-1) >= 0)
        flat[positions, indices.reshape(-1)[positions]] = 1.0
        return encoded
