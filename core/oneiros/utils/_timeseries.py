"""timeseries_dataset_from_array: sliding windows over an array, served in batches."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from oneiros.data.dataset import Dataset


class TimeseriesDataset(Dataset):
    """Windows of ``data`` starting at ``starts`` (positions in ``data``), with the target at each
    window's start; batch ``i`` is ``(windows, targets)``, or windows alone without targets."""

    def __init__(self, data: np.ndarray, targets: np.ndarray | None, starts: np.ndarray, offsets: np.ndarray,
                 batch_size: int | None, shuffle: bool, seed: int):
        super().__init__(shuffle=shuffle, seed=seed)
        self.data, self.targets, self.starts, self.offsets = data, targets, starts, offsets
        self.batch_size = batch_size

    def __len__(self) -> int:
        if self.batch_size is None:
            return len(self.starts)
        return -(-len(self.starts) // self.batch_size)

    def __getitem__(self, index: int) -> Any:
        if not 0 <= index < len(self):
            raise IndexError(f"batch index {index} out of range for {len(self)} batches")
        if self.batch_size is None:
            starts = self.starts[index]
        else:
            starts = self.starts[index * self.batch_size:(index + 1) * self.batch_size]
        windows = self.data[np.add.outer(starts, self.offsets)]
        return windows if self.targets is None else (windows, self.targets[starts])


def timeseries_dataset_from_array(data: Any, targets: Any, sequence_length: int, sequence_stride: int = 1,
                                  sampling_rate: int = 1, batch_size: int | None = 128, shuffle: bool = False,
                                  seed: int | None = None, start_index: int | None = None,
                                  end_index: int | None = None) -> TimeseriesDataset:
    """An ``oneiros.data.Dataset`` of windows over ``data``, as ``keras.utils.timeseries_dataset_from_array``.

    Window ``i`` holds the rows ``s, s + sampling_rate, ..., s + (sequence_length - 1) * sampling_rate``
    with ``s = start_index + i * sequence_stride``, all before ``end_index``; its target is
    ``targets[s]`` (``targets`` None: windows only). ``batch_size`` windows make a batch (None: one
    window per item, without a batch axis). ``shuffle`` permutes the windows' start positions once
    with ``numpy.random.RandomState(seed)`` exactly as Keras does, then the batch order every epoch;
    Keras additionally shuffles inside a ``tf.data`` buffer, so shuffled batches hold the same
    windows as Keras's in a different order.

    Example::

        series = np.arange(100, dtype="float32")[:, None]
        dataset = timeseries_dataset_from_array(series[:-10], series[10:, 0], sequence_length=10, batch_size=16)
        model.fit(dataset, epochs=2)           # windows (16, 10, 1), targets (16,)
    """
    owner = "timeseries_dataset_from_array"
    data = np.asarray(data)
    if data.ndim == 0:
        raise ValueError(f"{owner}: `data` must have a time axis first; received a scalar.")
    length = len(data)
    sequence_length = _positive_int(owner, "sequence_length", sequence_length)
    sequence_stride = _positive_int(owner, "sequence_stride", sequence_stride)
    sampling_rate = _positive_int(owner, "sampling_rate", sampling_rate)
    if batch_size is not None:
        batch_size = _positive_int(owner, "batch_size", batch_size)
    for argument, value in (("sequence_stride", sequence_stride), ("sampling_rate", sampling_rate)):
        if value >= length:
            raise ValueError(f"{owner}: `{argument}` must be below the length of the data ({length}); "
                             f"received {argument}={value}.")
    start = _index(owner, "start_index", start_index, length, default=0)
    end = _index(owner, "end_index", end_index, length, default=length)
    if end_index is not None and (end <= start or end == 0):
        raise ValueError(f"{owner}: `end_index` must be above start_index ({start}) and 0; received "
                         f"end_index={end_index}.")
    count = end - start - (sequence_length - 1) * sampling_rate
    if targets is not None:
        targets = np.asarray(targets)
        count = min(count, len(targets) - start)
    if count <= 0:
        raise ValueError(f"{owner}: rows {start} to {end} of the data (and the targets) are too few for one window "
                         f"of sequence_length={sequence_length} at sampling_rate={sampling_rate}.")
    positions = np.arange(0, count, sequence_stride)
    if seed is None:
        from oneiros.random_state import next_seed

        seed = next_seed() % 1_000_000
    if shuffle:
        np.random.RandomState(seed).shuffle(positions)
    offsets = np.arange(sequence_length) * sampling_rate
    return TimeseriesDataset(data, targets, start + positions, offsets, batch_size, bool(shuffle), int(seed))


def _positive_int(owner: str, argument: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{owner}: argument `{argument}` must be a positive int; received {argument}={value!r}.")
    return int(value)


def _index(owner: str, argument: str, value: Any, length: int, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not 0 <= value < length:
        raise ValueError(f"{owner}: argument `{argument}` must be None or an int in [0, {length}) for data of "
                         f"length {length}; received {argument}={value!r}.")
    return int(value)
