"""Vocabularies learned from data: token order and inverse document frequencies, as in Keras."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable


class TokenCounter:
    """Counts tokens over documents (for the vocabulary) and documents per token (for tf-idf)."""

    def __init__(self) -> None:
        self.counts: Counter = Counter()
        self.document_counts: Counter = Counter()
        self.documents = 0

    def add_document(self, tokens: Iterable[Hashable]) -> None:
        tokens = list(tokens)
        self.counts.update(tokens)
        self.document_counts.update(set(tokens))
        self.documents += 1

    def ordered_tokens(self, limit: int | None = None, excluded: Iterable[Hashable] = ()) -> list:
        """Most frequent first; ties broken by the token itself, in descending order (Keras's
        deterministic order); at most ``limit`` tokens; ``excluded`` (special tokens) left out."""
        excluded = set(excluded)
        ranked = sorted(((count, token) for token, count in self.counts.items() if token not in excluded),
                        reverse=True)
        tokens = [token for _, token in ranked]
        return tokens if limit is None else tokens[:limit]

    def idf_weights(self, tokens: Iterable[Hashable]) -> list[float]:
        """``log(1 + documents / (1 + documents containing the token))`` per token."""
        return [math.log(1 + self.documents / (1 + self.document_counts[token])) for token in tokens]
