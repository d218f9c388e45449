"""``fit``/``evaluate``/``predict`` input from a ``tf.data.Dataset``, on every backend.

The dataset yields batches (``x``, ``(x, y)`` or ``(x, y, sample_weight)``, nested structures
allowed) as Keras 3 reads them; they reach the model as numpy arrays, so the backend that trains
need not be TensorFlow. Each epoch iterates the dataset afresh, so a ``shuffle`` in the pipeline
reshuffles per epoch as in Keras.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

from oneiros.data.adapters import DatasetAdapter


def _is_tf_dataset(x: Any) -> bool:
    # Without TensorFlow imported no tf.data.Dataset can exist: never import it to check.
    tf = sys.modules.get("tensorflow")
    return tf is not None and isinstance(x, tf.data.Dataset)


class _NumpyBatches:
    """A tf.data.Dataset read as numpy structures, one fresh iteration per epoch."""

    def __init__(self, dataset: Any):
        self.dataset = dataset

    def iterate(self, epoch: int = 0) -> Iterator[Any]:
        return self.dataset.as_numpy_iterator()

    def cardinality(self) -> int | None:
        """Batches per iteration, or None where tf.data does not know (or it is infinite)."""
        count = int(self.dataset.cardinality())
        return count if count >= 0 else None


class TensorflowDatasetAdapter(DatasetAdapter):
    """A ``tf.data.Dataset`` of batches; ``steps`` bounds an epoch (needed for infinite ones)."""

    priority = -4

    @classmethod
    def can_handle(cls, x: Any, y: Any = None) -> bool:
        # y is not looked at: adapter_for then says that the dataset carries its own targets.
        return _is_tf_dataset(x)

    def __init__(self, x: Any, steps: int | None = None, **_: Any):
        super().__init__(_NumpyBatches(x), steps)

    @property
    def num_batches(self) -> int | None:
        return self.steps or self.dataset.cardinality()
