"""TextDataset: in-memory texts (and labels) served in batches as an ``oneiros.data.Dataset``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from oneiros.data import Dataset


class TextDataset(Dataset):
    """Batches of ``(texts, labels)`` (or ``texts`` without labels); texts are numpy object
    arrays of str. With ``shuffle`` the sample order is redrawn after every epoch from ``seed``.

    ``texts``, ``labels`` and ``class_names`` are available as attributes.
    """

    def __init__(self, texts: np.ndarray, labels: np.ndarray | None, batch_size: int, class_names: list[str],
                 shuffle: bool, seed: int):
        super().__init__(workers=1, max_queue_size=1)
        self.texts = texts
        self.labels = labels
        self.batch_size = batch_size
        self.class_names = class_names
        self._shuffle_samples = shuffle
        self._generator = np.random.default_rng(seed)
        self._order = self._draw_order()

    def _draw_order(self) -> np.ndarray:
        if self._shuffle_samples:
            return self._generator.permutation(len(self.texts))
        return np.arange(len(self.texts))

    def __len__(self) -> int:
        return math.ceil(len(self.texts) / self.batch_size)

    def __getitem__(self, index: int) -> Any:
        if not 0 <= index < len(self):
            raise IndexError(f"batch index {index} out of range for {len(self)} batches")
        chosen = self._order[index * self.batch_size:(index + 1) * self.batch_size]
        if self.labels is None:
            return self.texts[chosen]
        return self.texts[chosen], self.labels[chosen]

    def on_epoch_end(self) -> None:
        self._order = self._draw_order()
