"""``oi.data.Dataset``: a sequence of batches, optionally produced by worker threads ahead of use."""

from __future__ import annotations

import collections
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from oneiros.backend._active import inheriting


class Dataset:
    """Subclass and implement ``__len__`` (batches per epoch) and ``__getitem__(index)`` returning
    ``x``, ``(x, y)`` or ``(x, y, sample_weight)`` for batch ``index``.

    ``workers`` threads prepare up to ``max_queue_size`` batches ahead of the training loop
    (threads suit numpy, Pillow and file I/O, which release the GIL).

    Example::

        class Squares(oi.data.Dataset):
            def __len__(self):
                return 10

            def __getitem__(self, index):
                x = np.arange(index * 8, index * 8 + 8, dtype="float32")[:, None]
                return x, x ** 2

        model.fit(Squares(workers=2), epochs=3)

    ``rereadable`` says whether a batch may be read once more, before training, without side
    effects (``fit`` builds the model from a first look at such data); a subclass whose reads or
    epoch hooks do something sets it only when that is harmless.
    """

    rereadable = False

    def __init__(self, workers: int = 1, max_queue_size: int = 10, shuffle: bool = False, seed: int = 0):
        if not isinstance(workers, int) or workers < 1:
            raise ValueError(f"workers must be an int >= 1; received {workers!r}.")
        if not isinstance(max_queue_size, int) or max_queue_size < 1:
            raise ValueError(f"max_queue_size must be an int >= 1; received {max_queue_size!r}.")
        self.workers = workers
        self.max_queue_size = max_queue_size
        self.shuffle = shuffle
        self.seed = seed

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must implement __len__.")

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__.")

    def on_epoch_end(self) -> None:
        """Called after each epoch; override to reshuffle or refresh."""

    def take(self, count: int) -> Dataset:
        """A dataset of this one's first ``count`` batches (all of them for ``count=-1``), as
        tf.data's ``take``: a look at a few batches (``for x, y in dataset.take(1)``) or shorter
        epochs. Batches come in this dataset's own order, unshuffled."""
        if isinstance(count, bool) or not isinstance(count, int) or count < -1:
            raise ValueError(f"take expects a count of batches, an int >= 0 or -1 for all; received {count!r}.")
        return _Taken(self, len(self) if count == -1 else min(count, len(self)))

    def _indices(self, epoch: int) -> list[int]:
        indices = list(range(len(self)))
        if self.shuffle:
            import numpy as np

            np.random.default_rng([self.seed, epoch]).shuffle(indices)
        return indices

    def iterate(self, epoch: int = 0) -> Iterator[Any]:
        """The batches of one epoch, in order (shuffled per epoch when ``shuffle``)."""
        indices = self._indices(epoch)
        try:
            if self.workers == 1 and self.max_queue_size <= 1:
                for index in indices:
                    yield self[index]
                return
            load = inheriting(self.__getitem__)  # workers run on the backend of the thread iterating
            with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="oneiros-data") as pool:
                pending: collections.deque = collections.deque()
                position = 0
                while position < len(indices) or pending:
                    while position < len(indices) and len(pending) < self.max_queue_size:
                        pending.append(pool.submit(load, indices[position]))
                        position += 1
                    yield pending.popleft().result()
        finally:
            self.on_epoch_end()


class _Taken(Dataset):
    """The first ``count`` batches of ``source`` (:meth:`Dataset.take`); iterable with ``for``."""

    def __init__(self, source: Dataset, count: int):
        super().__init__(workers=source.workers, max_queue_size=source.max_queue_size)
        self.source, self.count = source, count
        self.rereadable = source.rereadable

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: int) -> Any:
        if not 0 <= index < self.count:
            raise IndexError(f"batch index {index} out of range for {self.count} batches")
        return self.source[index]
