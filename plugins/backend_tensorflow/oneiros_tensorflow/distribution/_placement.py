"""A distribution bound to TensorFlow: turns layouts into DTensor layouts and places weights,
state and batches on the mesh.

Every tensor handed to a traced step is a DTensor carrying its layout, so DTensor's SPMD
expansion splits the computation and inserts the collectives: gradients of replicated weights
are summed over the batch shards, and losses and metrics are reduced over the global batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import tensorflow as tf
from oneiros._tree import tree_leaves, tree_map
from tensorflow.experimental import dtensor

from oneiros_tensorflow._dtypes import tensor
from oneiros_tensorflow.distribution._devices import build_mesh
from oneiros_tensorflow.distribution._inputs import local_tensor, mark_bound


def _is_array(value: Any) -> bool:
    return hasattr(value, "shape") and hasattr(value, "dtype")


class TensorflowPlacement:
    """``oneiros.distribution.Placement`` on a ``dtensor.Mesh`` of this process's devices."""

    def __init__(self, distribution: Any):
        mesh = distribution.device_mesh
        self.distribution = distribution
        self.mesh = build_mesh(mesh.shape, mesh.axis_names, mesh.devices)
        self.is_chief = True
        self._batch_shards = mesh.axis_size(distribution.batch_dim_name)
        mark_bound()

    def _layout(self, layout: Sequence[str | None]) -> dtensor.Layout:
        return dtensor.Layout([dtensor.UNSHARDED if axis is None else axis for axis in layout], self.mesh)

    def _place(self, value: Any, layout: dtensor.Layout) -> tf.Tensor:
        value = tensor(value)
        if dtensor.is_dtensor(value):
            return value if dtensor.fetch_layout(value) == layout else dtensor.relayout(value, layout)
        replicated = dtensor.copy_to_mesh(value, dtensor.Layout.replicated(self.mesh, value.shape.rank))
        return replicated if replicated.shape.rank == 0 or layout.is_fully_replicated() else dtensor.relayout(
            replicated, layout)

    def distribute_weights(self, values: Sequence[Any], variables: Sequence[Any]) -> list[Any]:
        return [self._place(value, self._layout(self.distribution.get_variable_layout(variable.path,
                                                                                      tuple(value.shape))))
                for value, variable in zip(values, variables)]

    def distribute_state(self, tree: Any, weights: Sequence[Any]) -> Any:
        by_shape: dict[tuple, dtensor.Layout] = {}
        for weight in weights:
            shape = tuple(weight.shape)
            layout = dtensor.fetch_layout(weight) if dtensor.is_dtensor(weight) else self._replicated(len(shape))
            by_shape[shape] = layout if by_shape.get(shape, layout) == layout else self._replicated(len(shape))
        return tree_map(lambda leaf: self._place(leaf, by_shape.get(tuple(leaf.shape),
                                                                    self._replicated(len(leaf.shape))))
                        if _is_array(leaf) else leaf, tree)

    def _replicated(self, rank: int) -> dtensor.Layout:
        return dtensor.Layout.replicated(self.mesh, rank)

    def replicated(self, value: Any) -> tf.Tensor:
        """``value`` copied to every device of the mesh."""
        return self._place(value, self._replicated(len(value.shape)))

    def distribute_batch(self, batch: Any, stacked: bool = False) -> Any:
        batch_axis = 1 if stacked else 0
        return tree_map(lambda leaf: self._batch_tensor(leaf, batch_axis) if _is_array(leaf) else leaf, batch)

    def _batch_tensor(self, value: Any, batch_axis: int) -> tf.Tensor:
        rows = value.shape[batch_axis]
        rank = len(value.shape)
        # A batch that does not split evenly (typically the last one) runs replicated: same result.
        layout = (self._layout(self.distribution.get_data_layout(rank, batch_axis))
                  if rows % self._batch_shards == 0 else self._replicated(rank))
        return self._place(value, layout)

    def fetch(self, value: Any) -> np.ndarray:
        return local_tensor(value).numpy() if dtensor.is_dtensor(value) else np.asarray(value)
