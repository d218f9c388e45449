"""Training on several devices and processes: meshes, layouts and the active distribution.

Names follow Keras 3's ``keras.distribution``::

    import oneiros as oi

    oi.distribution.initialize()                       # several processes only; see docs/distributed.md
    oi.distribution.set_distribution(oi.distribution.DataParallel())
    model.fit(x, y, batch_size=256)                    # the global batch, split over every device

This module only describes *what* goes where; the active backend places arrays. A backend
supports it by declaring the ``"distributed"`` capability and exposing a ``distribution``
attribute that follows :class:`DistributionSupport`; any other backend raises
:class:`oneiros.errors.CapabilityError` as soon as a distribution is asked of it.

Layouts are tuples with one entry per array dimension: a mesh axis name (that dimension is
split over the devices along that axis) or ``None`` (not split). A weight is named by its
``Variable.path`` (``"dense_1/kernel"``).
"""

from __future__ import annotations

import contextlib
import math
import os
import re
from collections.abc import Iterator, MutableMapping, Sequence
from typing import Any, Protocol

from oneiros.backend import DISTRIBUTED, get_backend

__all__ = [
    "DataParallel", "DeviceMesh", "Distribution", "DistributionSupport", "LayoutMap", "ModelParallel",
    "Placement", "current", "distribution", "distribution_scope", "initialize", "is_chief", "list_devices",
    "process_count", "process_index", "set_distribution",
]

Layout = tuple[str | None, ...]

COORDINATOR_ADDRESS_VARIABLE = "ONEIROS_COORDINATOR_ADDRESS"
NUM_PROCESSES_VARIABLE = "ONEIROS_NUM_PROCESSES"
PROCESS_ID_VARIABLE = "ONEIROS_PROCESS_ID"


class Placement(Protocol):
    """A distribution bound to one backend: what fit, evaluate and predict call.

    ``distribute_weights`` places weight values by their variables' layouts;
    ``distribute_state`` places other state (optimizer slots, metric totals): leaves shaped like a
    weight follow that weight's placement, the rest is replicated; ``distribute_batch`` turns
    this process's batch (numpy, batch axis 0, or 1 when ``stacked``) into one global batch;
    ``fetch`` turns outputs into numpy arrays holding the rows this process fed.
    """

    is_chief: bool

    def distribute_weights(self, values: Sequence[Any], variables: Sequence[Any]) -> list[Any]: ...

    def distribute_state(self, tree: Any, weights: Sequence[Any]) -> Any: ...

    def distribute_batch(self, batch: Any, stacked: bool = False) -> Any: ...

    def fetch(self, value: Any) -> Any: ...


class DistributionSupport(Protocol):
    """What a backend with the ``"distributed"`` capability exposes as ``backend.distribution``."""

    def initialize(self, coordinator_address: str | None, num_processes: int | None,
                   process_id: int | None) -> None: ...

    def list_devices(self, device_type: str | None = None) -> list[str]: ...

    def process_index(self) -> int: ...

    def process_count(self) -> int: ...

    def bind(self, distribution: Distribution) -> Placement: ...


def _support() -> DistributionSupport:
    backend = get_backend()
    backend.require(DISTRIBUTED)
    return backend.distribution


def list_devices(device_type: str | None = None) -> list[str]:
    """Every device of every process, e.g. ``["gpu:0", "gpu:1"]`` (``device_type`` filters: "cpu", "gpu")."""
    return _support().list_devices(device_type)


def process_index() -> int:
    """This process's index among the processes of the job (0 without :func:`initialize`)."""
    return _support().process_index()


def process_count() -> int:
    """How many processes take part in the job (1 without :func:`initialize`)."""
    return _support().process_count()


def is_chief() -> bool:
    """Whether this process writes files for the job: process 0, or the only process."""
    backend = get_backend()
    return DISTRIBUTED not in backend.capabilities or backend.distribution.process_index() == 0


def _environment_int(name: str) -> int | None:
    text = os.environ.get(name)
    if text is None or text == "":
        return None
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"Environment variable {name} must be an integer; received {text!r}.") from None


def initialize(coordinator_address: str | None = None, num_processes: int | None = None,
               process_id: int | None = None) -> None:
    """Joins this process to a job of several processes (hosts); call it once, before any other work.

    Arguments left out are read from ``ONEIROS_COORDINATOR_ADDRESS`` (``host:port`` of process
    0), ``ONEIROS_NUM_PROCESSES`` and ``ONEIROS_PROCESS_ID``; what is still missing the backend
    detects from the cluster launcher (JAX: SLURM, Open MPI, Cloud TPU, and its own
    ``JAX_COORDINATOR_ADDRESS``). See docs/distributed.md.
    """
    coordinator_address = coordinator_address or os.environ.get(COORDINATOR_ADDRESS_VARIABLE) or None
    if num_processes is None:
        num_processes = _environment_int(NUM_PROCESSES_VARIABLE)
    if process_id is None:
        process_id = _environment_int(PROCESS_ID_VARIABLE)
    if num_processes is not None and (isinstance(num_processes, bool) or not isinstance(num_processes, int)
                                      or num_processes < 1):
        raise ValueError(f"num_processes must be an int >= 1; received {num_processes!r}.")
    if process_id is not None and (isinstance(process_id, bool) or not isinstance(process_id, int)
                                   or process_id < 0 or (num_processes is not None and process_id >= num_processes)):
        raise ValueError(f"process_id must be an int in [0, num_processes={num_processes}); received {process_id!r}.")
    if coordinator_address is not None and ":" not in coordinator_address:
        raise ValueError(f"coordinator_address must be 'host:port'; received {coordinator_address!r}.")
    _support().initialize(coordinator_address, num_processes, process_id)


class DeviceMesh:
    """Devices arranged in a named grid, e.g. ``DeviceMesh((2, 4), ("batch", "model"))``.

    ``devices`` (names from :func:`list_devices` or the backend's own device objects, in
    row-major order) defaults to every device of the job.
    """

    def __init__(self, shape: Sequence[int], axis_names: Sequence[str], devices: Sequence[Any] | None = None):
        shape = tuple(shape)
        axis_names = tuple(axis_names)
        if not shape or any(isinstance(size, bool) or not isinstance(size, int) or size < 1 for size in shape):
            raise ValueError(f"DeviceMesh shape must be a non-empty tuple of positive ints; received {shape!r}.")
        if len(axis_names) != len(shape) or not all(isinstance(name, str) and name for name in axis_names):
            raise ValueError(f"DeviceMesh needs one non-empty axis name per dimension of shape {shape}; "
                             f"received axis_names={axis_names!r}.")
        if len(set(axis_names)) != len(axis_names):
            raise ValueError(f"DeviceMesh axis names must be distinct; received {axis_names!r}.")
        devices = list(list_devices() if devices is None else devices)
        if len(devices) != math.prod(shape):
            raise ValueError(f"DeviceMesh of shape {shape} needs {math.prod(shape)} devices; received "
                             f"{len(devices)}: {devices}.")
        self.shape = shape
        self.axis_names = axis_names
        self.devices = devices

    def axis_size(self, name: str) -> int:
        return self.shape[self.axis_names.index(name)]

    def __repr__(self) -> str:
        return f"DeviceMesh(shape={self.shape}, axis_names={self.axis_names})"


def _checked_layout(mesh: DeviceMesh, key: str, layout: Any) -> Layout:
    if isinstance(layout, str) or not isinstance(layout, (tuple, list)):
        raise TypeError(f"LayoutMap[{key!r}] must be a tuple of mesh axis names or None, one per dimension "
                        f"(e.g. (None, 'model')); received {layout!r}.")
    layout = tuple(layout)
    unknown = [axis for axis in layout if axis is not None and axis not in mesh.axis_names]
    if unknown:
        raise ValueError(f"LayoutMap[{key!r}] = {layout} names axes {unknown} that mesh {mesh.axis_names} "
                         "does not have.")
    named = [axis for axis in layout if axis is not None]
    if len(set(named)) != len(named):
        raise ValueError(f"LayoutMap[{key!r}] = {layout} splits two dimensions over the same mesh axis.")
    return layout


class LayoutMap(MutableMapping):
    """Weight-path patterns to layouts, e.g. ``layout_map["dense.*/kernel"] = (None, "model")``.

    A key is a regular expression searched in each ``Variable.path``; an exact key wins,
    otherwise exactly one pattern may match (two matches are an error). Unmatched weights are
    replicated on every device.
    """

    def __init__(self, device_mesh: DeviceMesh):
        if not isinstance(device_mesh, DeviceMesh):
            raise TypeError(f"LayoutMap needs a DeviceMesh; received {device_mesh!r}.")
        self.device_mesh = device_mesh
        self._layouts: dict[str, Layout] = {}

    def __setitem__(self, key: str, layout: Any) -> None:
        if not isinstance(key, str):
            raise TypeError(f"LayoutMap keys are weight-path patterns (str); received {key!r}.")
        re.compile(key)
        self._layouts[key] = _checked_layout(self.device_mesh, key, layout)

    def __getitem__(self, path: str) -> Layout | None:
        if path in self._layouts:
            return self._layouts[path]
        matches = [key for key in self._layouts if re.search(key, path)]
        if len(matches) > 1:
            raise ValueError(f"Weight {path!r} matches several LayoutMap keys {matches}; make the patterns "
                             "exclusive or add the exact path as a key.")
        return self._layouts[matches[0]] if matches else None

    def __delitem__(self, key: str) -> None:
        del self._layouts[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._layouts)

    def __len__(self) -> int:
        return len(self._layouts)


class Distribution:
    """Where weights and batches live; bound to the active backend on first use."""

    def __init__(self, device_mesh: DeviceMesh, batch_dim_name: str, auto_shard_dataset: bool = True):
        if batch_dim_name not in device_mesh.axis_names:
            raise ValueError(f"batch_dim_name {batch_dim_name!r} is not an axis of mesh {device_mesh.axis_names}.")
        self.device_mesh = device_mesh
        self.batch_dim_name = batch_dim_name
        self.auto_shard_dataset = bool(auto_shard_dataset)
        self._placements: dict[int, tuple[Any, Placement]] = {}

    def get_variable_layout(self, path: str, shape: Sequence[int]) -> Layout:
        """The layout of the weight ``path`` of ``shape`` (replicated unless a subclass says otherwise)."""
        return (None,) * len(shape)

    def get_data_layout(self, ndim: int, batch_axis: int = 0) -> Layout:
        """Batches are split along ``batch_axis`` over the mesh's batch axis."""
        return tuple(self.batch_dim_name if axis == batch_axis else None for axis in range(ndim))

    @contextlib.contextmanager
    def scope(self) -> Iterator[Distribution]:
        """Makes this the active distribution inside the block."""
        with distribution_scope(self):
            yield self

    def placement(self) -> Placement:
        """This distribution bound to the active backend (bound once per backend)."""
        backend = get_backend()
        cached = self._placements.get(id(backend))
        if cached is None or cached[0] is not backend:
            cached = (backend, _support().bind(self))
            self._placements[id(backend)] = cached
        return cached[1]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(device_mesh={self.device_mesh!r}, batch_dim_name={self.batch_dim_name!r})"


class DataParallel(Distribution):
    """Each batch split over the devices, every weight replicated (gradients averaged by the compiler).

    ``devices`` (default: every device of the job) or ``device_mesh`` (a 1-D mesh) choose the
    devices. With ``auto_shard_dataset=True`` every process passes the same data and
    ``batch_size`` is the global batch; with ``False`` each process passes its own part and
    ``batch_size`` is the per-process batch.
    """

    def __init__(self, device_mesh: DeviceMesh | None = None, devices: Sequence[Any] | None = None,
                 auto_shard_dataset: bool = True):
        if device_mesh is not None and devices is not None:
            raise ValueError("DataParallel takes device_mesh or devices, not both.")
        if device_mesh is None:
            chosen = list(list_devices() if devices is None else devices)
            device_mesh = DeviceMesh((len(chosen),), ("batch",), chosen)
        elif len(device_mesh.shape) != 1:
            raise ValueError(f"DataParallel needs a 1-D device mesh; received {device_mesh!r}.")
        super().__init__(device_mesh, device_mesh.axis_names[0], auto_shard_dataset)


class ModelParallel(Distribution):
    """Weights split by a :class:`LayoutMap`, batches split along ``batch_dim_name``.

    Example::

        mesh = oi.distribution.DeviceMesh((2, 4), ("batch", "model"))
        layout_map = oi.distribution.LayoutMap(mesh)
        layout_map["dense.*/kernel"] = (None, "model")
        oi.distribution.set_distribution(oi.distribution.ModelParallel(layout_map=layout_map,
                                                                       batch_dim_name="batch"))
    """

    def __init__(self, *, layout_map: LayoutMap, batch_dim_name: str | None = None,
                 auto_shard_dataset: bool = True):
        if not isinstance(layout_map, LayoutMap):
            raise TypeError(f"ModelParallel needs layout_map=LayoutMap(...); received {layout_map!r}.")
        mesh = layout_map.device_mesh
        super().__init__(mesh, batch_dim_name or mesh.axis_names[0], auto_shard_dataset)
        self.layout_map = layout_map

    def get_variable_layout(self, path: str, shape: Sequence[int]) -> Layout:
        layout = self.layout_map[path]
        if layout is None:
            return super().get_variable_layout(path, shape)
        if len(layout) != len(shape):
            raise ValueError(f"Layout {layout} for weight {path!r} has {len(layout)} entries; the weight has "
                             f"shape {tuple(shape)} ({len(shape)} dimensions).")
        for size, axis in zip(shape, layout):
            if axis is not None and size % self.device_mesh.axis_size(axis):
                raise ValueError(f"Weight {path!r} of shape {tuple(shape)}: dimension of size {size} cannot be "
                                 f"split evenly over mesh axis {axis!r} of {self.device_mesh.axis_size(axis)} "
                                 "devices.")
        return layout


_active: Distribution | None = None


def set_distribution(value: Distribution | None) -> None:
    """Makes ``value`` the distribution every fit / evaluate / predict uses (None: one device)."""
    global _active
    if value is not None and not isinstance(value, Distribution):
        raise TypeError(f"set_distribution expects a Distribution (DataParallel, ModelParallel) or None; "
                        f"received {value!r}.")
    _active = value


def distribution() -> Distribution | None:
    """The active distribution, or None."""
    return _active


@contextlib.contextmanager
def distribution_scope(value: Distribution | None) -> Iterator[Distribution | None]:
    """Runs the block under ``value``, then restores the previous distribution."""
    previous = _active
    set_distribution(value)
    try:
        yield value
    finally:
        set_distribution(previous)


def current() -> Placement | None:
    """The active distribution bound to the active backend, or None (the hook fit uses)."""
    return None if _active is None else _active.placement()
