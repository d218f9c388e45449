"""``oi.data.ArrayDataset``: a Dataset over in-memory arrays, batched by the array adapter."""

from __future__ import annotations

from typing import Any

from oneiros.data.adapters import ArrayAdapter
from oneiros.data.dataset import Dataset


class ArrayDataset(Dataset):
    """Batches sliced from in-memory arrays: ``ArrayDataset(x, y, batch_size=32)``."""

    rereadable = True

    def __init__(self, x: Any, y: Any = None, sample_weight: Any = None, batch_size: int = 32, **kwargs: Any):
        super().__init__(**kwargs)
        self._arrays = ArrayAdapter(x, y, sample_weight=sample_weight, batch_size=batch_size)

    def __len__(self) -> int:
        return self._arrays.num_batches

    def __getitem__(self, index: int) -> Any:
        if not 0 <= index < len(self):
            raise IndexError(f"batch index {index} out of range for {len(self)} batches")
        start = index * self._arrays.batch_size
        x, y, sample_weight = self._arrays._take(None, start, min(start + self._arrays.batch_size,
                                                                  self._arrays.num_samples))
        return (x, y, sample_weight) if sample_weight is not None else (x, y) if y is not None else x
