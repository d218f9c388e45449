"""A distribution bound to JAX: turns layouts into NamedShardings and places weights, state and batches.

Every array handed to a compiled step carries its sharding, so XLA's partitioner (GSPMD) splits
the computation and inserts the collectives: gradients of replicated weights are summed over
the batch shards, and losses and metrics are reduced over the global batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import numpy as np
from jax.experimental import multihost_utils
from jax.sharding import NamedSharding, PartitionSpec
from oneiros.data.adapters import DataError

from oneiros_jax.distribution._devices import build_mesh


def _is_array(value: Any) -> bool:
    return hasattr(value, "shape") and hasattr(value, "dtype")


def _host_array(value: Any) -> np.ndarray:
    array = np.asarray(value)
    canonical = jax.dtypes.canonicalize_dtype(array.dtype)
    return array if array.dtype == canonical else array.astype(canonical)


class JaxPlacement:
    """``oneiros.distribution.Placement`` on a ``jax.sharding.Mesh``.

    With several processes, values not yet on devices are taken from process 0 (so every
    process starts from the same weights whatever its own initialisation); batches are this
    process's rows of the global batch (``auto_shard_dataset=False``) or the whole global batch,
    of which this process only transfers the rows its devices hold (``auto_shard_dataset=True``).
    """

    def __init__(self, distribution: Any):
        mesh = distribution.device_mesh
        self.distribution = distribution
        self.mesh = build_mesh(mesh.shape, mesh.axis_names, mesh.devices)
        self.is_chief = jax.process_index() == 0
        self._several_processes = jax.process_count() > 1
        self._process_local_data = self._several_processes and not distribution.auto_shard_dataset
        self._batch_shards = mesh.axis_size(distribution.batch_dim_name)
        self._replicated = NamedSharding(self.mesh, PartitionSpec())

    def _sharding(self, layout: Sequence[str | None]) -> NamedSharding:
        return NamedSharding(self.mesh, PartitionSpec(*layout))

    def _place(self, values: Sequence[Any], shardings: Sequence[NamedSharding]) -> list[Any]:
        placed = list(values)
        from_host = []
        for index, (value, sharding) in enumerate(zip(values, shardings)):
            if isinstance(value, jax.Array) and value.sharding.is_equivalent_to(sharding, value.ndim):
                continue
            if not self._several_processes or (isinstance(value, jax.Array) and not value.is_fully_addressable):
                placed[index] = jax.device_put(value, sharding)
            else:
                from_host.append(index)
        if from_host:
            hosts = multihost_utils.broadcast_one_to_all([_host_array(values[index]) for index in from_host])
            for index, host in zip(from_host, hosts):
                placed[index] = jax.make_array_from_callback(host.shape, shardings[index],
                                                             lambda where, host=host: host[where])
        return placed

    def distribute_weights(self, values: Sequence[Any], variables: Sequence[Any]) -> list[Any]:
        shardings = [self._sharding(self.distribution.get_variable_layout(variable.path, tuple(value.shape)))
                     for value, variable in zip(values, variables)]
        return self._place(values, shardings)

    def distribute_state(self, tree: Any, weights: Sequence[Any]) -> Any:
        by_shape: dict[tuple, Any] = {}
        for weight in weights:
            shape = tuple(weight.shape)
            sharding = weight.sharding if isinstance(weight, jax.Array) else self._replicated
            by_shape[shape] = sharding if by_shape.get(shape, sharding) == sharding else self._replicated
        leaves, treedef = jax.tree_util.tree_flatten(tree)
        positions = [index for index, leaf in enumerate(leaves) if _is_array(leaf)]
        shardings = [by_shape.get(tuple(leaves[index].shape), self._replicated) for index in positions]
        placed = self._place([leaves[index] for index in positions], shardings)
        for index, value in zip(positions, placed):
            leaves[index] = value
        return jax.tree_util.tree_unflatten(treedef, leaves)

    def distribute_batch(self, batch: Any, stacked: bool = False) -> Any:
        batch_axis = 1 if stacked else 0
        return jax.tree_util.tree_map(lambda leaf: self._batch_array(_host_array(leaf), batch_axis), batch)

    def _batch_array(self, array: np.ndarray, batch_axis: int) -> jax.Array:
        rows = array.shape[batch_axis]
        split = self._sharding(self.distribution.get_data_layout(array.ndim, batch_axis))
        if self._process_local_data:
            try:
                return jax.make_array_from_process_local_data(split, array)
            except ValueError as exc:
                raise DataError(
                    f"This process's batch of {rows} rows cannot be split over its share of the "
                    f"{self._batch_shards} batch shards ({exc}). With auto_shard_dataset=False every process "
                    "must feed the same number of rows, a multiple of its devices along the batch axis; "
                    "choose batch_size and the data length accordingly (or pass steps_per_epoch).") from None
        # A batch that does not split evenly (typically the last one) runs replicated: same result.
        sharding = split if rows % self._batch_shards == 0 else self._replicated
        if not self._several_processes:
            return jax.device_put(array, sharding)
        return jax.make_array_from_callback(array.shape, sharding, lambda where: array[where])

    def fetch(self, value: Any) -> np.ndarray:
        if not isinstance(value, jax.Array) or value.is_fully_addressable or value.is_fully_replicated:
            return np.asarray(value)
        gathered = np.asarray(multihost_utils.process_allgather(value, tiled=True))
        if not self._process_local_data:
            return gathered
        # This process fed the rows its devices hold: give those back.
        starts = [shard.index[0].start or 0 for shard in value.addressable_shards]
        stops = [shard.index[0].stop or value.shape[0] for shard in value.addressable_shards]
        return gathered[min(starts):max(stops)]
