"""PyDataset (alias Sequence): Keras's base class for Python data sources, on ``oi.data.Dataset``."""

from __future__ import annotations

from typing import Any

from oneiros.data.dataset import Dataset


class PyDataset(Dataset):
    """Subclass, implement ``__getitem__(index)`` (batch ``index`` as ``x``, ``(x, y)`` or
    ``(x, y, sample_weight)``) and ``__len__`` (or the ``num_batches`` property), and pass it to
    ``fit``, as ``keras.utils.PyDataset``. ``workers`` threads prepare up to ``max_queue_size``
    batches ahead; ``use_multiprocessing`` is accepted for Keras code and runs the workers as
    threads too (numpy, Pillow and file I/O release the GIL). A subclass that never calls
    ``super().__init__`` gets the defaults, as in Keras.

    Example::

        class Batches(oi.utils.PyDataset):
            def __init__(self, x, y, batch_size, **kwargs):
                super().__init__(**kwargs)
                self.x, self.y, self.batch_size = x, y, batch_size

            def __len__(self):
                return math.ceil(len(self.x) / self.batch_size)

            def __getitem__(self, index):
                rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
                return self.x[rows], self.y[rows]

        model.fit(Batches(x, y, 32, workers=2), epochs=3)
    """

    # Class-level defaults serve subclasses whose __init__ skips super().__init__().
    workers = 1
    max_queue_size = 10
    use_multiprocessing = False
    shuffle = False
    seed = 0

    def __init__(self, workers: int = 1, use_multiprocessing: bool = False, max_queue_size: int = 10):
        super().__init__(workers=workers, max_queue_size=max_queue_size)
        self.use_multiprocessing = bool(use_multiprocessing)

    def __len__(self) -> int:
        if type(self).num_batches is PyDataset.num_batches:
            raise NotImplementedError(f"{type(self).__name__} must implement __len__ or the num_batches property.")
        return self.num_batches

    @property
    def num_batches(self) -> int:
        """Batches per epoch: ``len(self)``."""
        if type(self).__len__ is PyDataset.__len__:
            raise NotImplementedError(f"{type(self).__name__} must implement __len__ or the num_batches property.")
        return len(self)

    def on_epoch_begin(self) -> None:
        """Called before each epoch's first batch; override to prepare the epoch."""

    def iterate(self, epoch: int = 0) -> Any:
        self.on_epoch_begin()
        return super().iterate(epoch)


Sequence = PyDataset
"""Keras's older name for PyDataset."""
