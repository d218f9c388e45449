"""Data adapters: turn what users pass to fit/evaluate/predict into batches of numpy arrays.

Adapters are registered through ``register_data_adapters``; :func:`adapter_for` picks the one
with the highest ``priority`` whose ``can_handle`` accepts the input.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np

from oneiros.data._structure import leaves, map_arrays
from oneiros.data.dataset import Dataset
from oneiros.errors import OneirosError

Batch = tuple[Any, Any, Any]


class DataError(OneirosError, ValueError):
    """Training data that cannot be used: mismatched lengths, wrong dtypes, wrong shapes."""


class DataAdapter:
    """Base class: yields ``(x, y, sample_weight)`` batches of numpy arrays (y, sw may be None)."""

    priority = 0

    @classmethod
    def can_handle(cls, x: Any, y: Any = None) -> bool:
        raise NotImplementedError

    @property
    def num_batches(self) -> int | None:
        """Batches per epoch, or None when unknown until the data runs out."""
        return None

    def batches(self, epoch: int) -> Iterator[Batch]:
        raise NotImplementedError

    def stacked_batches(self, epoch: int, count: int) -> Iterator[tuple[Batch, int]]:
        """Groups of ``count`` equal-sized batches stacked on a new axis 0, then single leftovers
        (``(batch, 1)`` with no stacking axis)."""
        pending: list[Batch] = []
        for batch in self.batches(epoch):
            if pending and _batch_size(batch) != _batch_size(pending[0]):
                yield from ((b, 1) for b in pending)
                pending = []
            pending.append(batch)
            if len(pending) == count:
                yield (stack_batches(pending), count) if count > 1 else (batch, 1)
                pending = []
        yield from ((b, 1) for b in pending)


def _batch_size(batch: Batch) -> int:
    return len(leaves(batch[0])[0][1])


def stack_batches(batches: list[Batch]) -> Batch:
    """Equal-sized batches stacked on a new leading axis (for fused steps)."""
    def stack_part(index: int) -> Any:
        parts = [batch[index] for batch in batches]
        if parts[0] is None:
            return None
        flat = [leaves(part) for part in parts]
        stacked = iter([np.stack([f[k][1] for f in flat]) for k in range(len(flat[0]))])
        return map_arrays(lambda _: next(stacked), parts[0])

    return stack_part(0), stack_part(1), stack_part(2)


def first_position(mask: np.ndarray) -> tuple[int, ...]:
    """The index of the first True element of ``mask`` (row first)."""
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(mask)), mask.shape))


_INT32 = np.iinfo(np.int32)


def _as_int32(name: str, array: np.ndarray) -> np.ndarray:
    """``array`` as int32, refusing values that would wrap around."""
    if array.size and (array.min() < _INT32.min or array.max() > _INT32.max):
        position = first_position((array < _INT32.min) | (array > _INT32.max))
        raise DataError(f"{name} holds {array[position].item()} at position {position}, outside the int32 range "
                        f"[{_INT32.min}, {_INT32.max}] that integer inputs and labels are computed in.")
    return array.astype(np.int32)


def _as_array(name: str, value: Any, text: bool = False) -> np.ndarray:
    """``value`` as a numeric array (float64 and 64-bit ints narrowed); ``text``: strings kept
    as they are, for a model with an ``Input(dtype="string")``."""
    array = np.asarray(value)
    if array.ndim == 0:
        raise DataError(f"{name} must have a batch axis; received a scalar.")
    if text and array.dtype.kind in "USO":
        return array
    if array.dtype.kind not in "biuf":
        raise DataError(f"{name} must hold numbers or booleans; received dtype {array.dtype}"
                        f"{' (strings need a preprocessing layer first)' if array.dtype.kind in 'USO' else ''}.")
    if array.dtype == np.float64:
        array = array.astype(np.float32)
    elif array.dtype in (np.int64, np.uint64, np.uint32):
        array = _as_int32(name, array)
    return array


class ArrayAdapter(DataAdapter):
    """Numpy arrays (or array-likes), and lists/tuples/dicts of them for several inputs/outputs."""

    targets_checked = False  # set once fit/evaluate has checked y against the compiled losses

    @classmethod
    def can_handle(cls, x: Any, y: Any = None) -> bool:
        return all(hasattr(a, "shape") or isinstance(a, (list, tuple)) and _numeric_list(a)
                   for _, a in leaves(x))

    def __init__(self, x: Any, y: Any = None, sample_weight: Any = None, batch_size: int | None = None,
                 shuffle: bool = False, class_weight: dict | None = None, seed: int = 0, steps: int | None = None,
                 text_inputs: bool = False, **_: Any):
        self.x = _convert("x", x, text_inputs)
        self.y = _convert("y", y)
        self.sample_weight = _convert("sample_weight", sample_weight)
        lengths = {path: len(array) for part, name in ((self.x, "x"), (self.y, "y"),
                                                        (self.sample_weight, "sample_weight"))
                   for path, array in leaves(part, name)}
        if len(set(lengths.values())) > 1:
            listing = ", ".join(f"{path}: {n}" for path, n in lengths.items())
            raise DataError(f"x, y and sample_weight must have the same number of samples; received {listing}.")
        self.num_samples = next(iter(lengths.values()))
        _check_sample_weight(self.sample_weight)
        if class_weight is not None:
            self.sample_weight = _class_weights(self.y, class_weight, self.sample_weight)
        self.batch_size = 32 if batch_size is None else batch_size
        if isinstance(self.batch_size, bool) or not isinstance(self.batch_size, int) or self.batch_size <= 0:
            raise DataError(f"batch_size must be a positive int; received {batch_size!r}.")
        self.shuffle = shuffle
        self.seed = seed
        self._limit_steps(steps)

    def _limit_steps(self, steps: int | None) -> None:
        """Epochs of ``steps`` batches that go on through the data where the last one stopped (a
        new, reshuffled pass once it runs out), as Keras's steps_per_epoch for arrays."""
        self.steps = steps
        self._pass = 0
        self._next_batch = 0

    @property
    def batches_per_pass(self) -> int:
        return math.ceil(self.num_samples / self.batch_size)

    @property
    def num_batches(self) -> int:
        return self.steps or self.batches_per_pass

    def _span(self, epoch: int) -> tuple[np.ndarray | None, int, int]:
        """The shuffle order and the range of batch indices that epoch ``epoch`` takes."""
        total = self.batches_per_pass
        if self.steps is None:
            return self._order(epoch), 0, total
        order, first = self._order(self._pass), self._next_batch
        stop = min(first + self.steps, total)
        if first + self.steps > total:
            warnings.warn(f"Your input ran out of data: this epoch has {stop - first} of steps_per_epoch="
                          f"{self.steps} batches (the arrays hold {total} batches of {self.batch_size}); the next "
                          "epoch starts a new pass over them.")
        self._pass, self._next_batch = (self._pass + 1, 0) if stop == total else (self._pass, stop)
        return order, first, stop

    def _order(self, epoch: int) -> np.ndarray | None:
        if not self.shuffle:
            return None
        return np.random.default_rng([self.seed, epoch]).permutation(self.num_samples)

    def _take(self, order: np.ndarray | None, start: int, stop: int) -> Batch:
        if order is None:
            pick = lambda a: a[start:stop]  # noqa: E731
        else:
            indices = order[start:stop]
            pick = lambda a: a[indices]  # noqa: E731
        return map_arrays(pick, self.x), map_arrays(pick, self.y), map_arrays(pick, self.sample_weight)

    def _take_batch(self, order: np.ndarray | None, index: int) -> Batch:
        start = index * self.batch_size
        return self._take(order, start, min(start + self.batch_size, self.num_samples))

    def batches(self, epoch: int) -> Iterator[Batch]:
        order, first, stop = self._span(epoch)
        for index in range(first, stop):
            yield self._take_batch(order, index)

    def stacked_batches(self, epoch: int, count: int) -> Iterator[tuple[Batch, int]]:
        if count == 1:
            yield from ((batch, 1) for batch in self.batches(epoch))
            return
        order, index, stop = self._span(epoch)
        last_full = min(stop, self.num_samples // self.batch_size)
        reshape = lambda a: a.reshape(count, self.batch_size, *a.shape[1:])  # noqa: E731
        while index + count <= last_full:
            batch = self._take(order, index * self.batch_size, (index + count) * self.batch_size)
            yield tuple(map_arrays(reshape, part) for part in batch), count
            index += count
        for single in range(index, stop):
            yield self._take_batch(order, single), 1

    def split(self, validation_split: float) -> tuple[ArrayAdapter, ArrayAdapter]:
        """The first (1 - validation_split) of the samples for training, the rest for validation
        (taken before shuffling, as Keras does)."""
        if not 0 < validation_split < 1:
            raise DataError(f"validation_split must be in (0, 1); received {validation_split!r}.")
        cut = int(self.num_samples * (1 - validation_split))
        if cut == 0 or cut == self.num_samples:
            raise DataError(f"validation_split={validation_split} leaves no samples on one side of "
                            f"{self.num_samples} samples.")
        head = lambda a: a[:cut]  # noqa: E731
        tail = lambda a: a[cut:]  # noqa: E731
        parts = []
        for slicer, shuffle in ((head, self.shuffle), (tail, False)):
            adapter = object.__new__(ArrayAdapter)
            adapter.x = map_arrays(slicer, self.x)
            adapter.y = map_arrays(slicer, self.y)
            adapter.sample_weight = map_arrays(slicer, self.sample_weight)
            adapter.num_samples = len(leaves(adapter.x)[0][1])
            adapter.batch_size, adapter.shuffle, adapter.seed = self.batch_size, shuffle, self.seed
            adapter._limit_steps(self.steps if slicer is head else None)
            parts.append(adapter)
        return parts[0], parts[1]


def _numeric_list(value: Any) -> bool:
    try:
        return np.asarray(value).dtype.kind in "biuf"
    except (ValueError, TypeError):
        return False


def _convert(name: str, structure: Any, text: bool = False) -> Any:
    if structure is None:
        return None
    if isinstance(structure, dict):
        return {key: _convert(f"{name}[{key!r}]", value, text) for key, value in structure.items()}
    if isinstance(structure, (list, tuple)) and structure and all(hasattr(v, "shape") for v in structure):
        return [_convert(f"{name}[{i}]", value, text) for i, value in enumerate(structure)]
    return _as_array(name, structure, text)


def _check_sample_weight(sample_weight: Any) -> None:
    for path, weights in leaves(sample_weight, "sample_weight"):
        if weights.size and weights.min() < 0:
            position = first_position(weights < 0)
            raise DataError(f"{path} holds {weights[position].item()!r} at position {position}; sample weights "
                            "must be >= 0.")


def _class_weights(y: Any, class_weight: dict, sample_weight: Any) -> np.ndarray:
    flat = leaves(y)
    if len(flat) != 1:
        raise DataError("class_weight needs exactly one target array; received "
                        f"{len(flat)} targets (use sample_weight for several outputs).")
    labels = flat[0][1]
    classes = labels.argmax(-1) if labels.ndim > 1 and labels.shape[-1] > 1 else labels.reshape(len(labels))
    classes = np.rint(classes).astype(np.int64)
    missing = sorted(set(np.unique(classes).tolist()) - set(class_weight))
    if missing:
        raise DataError(f"class_weight has no weight for classes {missing}; received keys {sorted(class_weight)}.")
    weights = np.asarray([class_weight[c] for c in classes.tolist()], dtype=np.float32)
    return weights if sample_weight is None else weights * np.asarray(sample_weight, np.float32)


def _unpack(item: Any) -> Batch:
    if isinstance(item, tuple) and 1 <= len(item) <= 3:
        x, y, sw = (*item, None, None)[:3]
        return _convert("x", x), _convert("y", y), _convert("sample_weight", sw)
    return _convert("x", item), None, None


class GeneratorAdapter(DataAdapter):
    """A Python generator (or any iterator) of ``x``, ``(x, y)`` or ``(x, y, sample_weight)``."""

    priority = -10

    @classmethod
    def can_handle(cls, x: Any, y: Any = None) -> bool:
        return hasattr(x, "__next__") and y is None

    def __init__(self, x: Any, steps: int | None = None, **_: Any):
        self.iterator = x
        self.steps = steps

    @property
    def num_batches(self) -> int | None:
        return self.steps

    def batches(self, epoch: int) -> Iterator[Batch]:
        produced = 0
        while self.steps is None or produced < self.steps:
            try:
                item = next(self.iterator)
            except StopIteration:
                return
            produced += 1
            yield _unpack(item)


class DatasetAdapter(DataAdapter):
    """An ``oi.data.Dataset`` (or any re-iterable sequence of batches with ``__len__``)."""

    priority = -5

    @classmethod
    def can_handle(cls, x: Any, y: Any = None) -> bool:
        return isinstance(x, Dataset) and y is None

    def __init__(self, x: Any, steps: int | None = None, **_: Any):
        self.dataset = x
        self.steps = steps

    @property
    def num_batches(self) -> int | None:
        return self.steps or len(self.dataset)

    def batches(self, epoch: int) -> Iterator[Batch]:
        for index, item in enumerate(self.dataset.iterate(epoch)):
            if self.steps is not None and index >= self.steps:
                return
            yield _unpack(item)


def adapter_for(x: Any, y: Any = None, **options: Any) -> DataAdapter:
    """The registered adapter with the highest priority that accepts ``x`` (and ``y``)."""
    from oneiros._plugins import host

    if x is None:
        raise DataError("No data: x is None.")
    adapters = sorted((entry.obj for entry in host().registry("data_adapters").entries()),
                      key=lambda cls: -cls.priority)
    for adapter_cls in adapters:
        if adapter_cls.can_handle(x, y):
            if adapter_cls is not ArrayAdapter and (y is not None or options.get("sample_weight") is not None):
                raise DataError(f"{adapter_cls.__name__} yields its own targets: pass y and "
                                "sample_weight inside the batches, not as arguments.")
            return adapter_cls(x, y, **options) if adapter_cls is ArrayAdapter else adapter_cls(x, **options)
    names = [cls.__name__ for cls in adapters]
    raise DataError(f"No data adapter accepts x of type {type(x).__name__}; registered adapters: {names}.")
