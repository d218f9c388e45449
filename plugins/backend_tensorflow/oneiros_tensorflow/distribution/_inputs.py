"""Keeps the inputs of one traced call on one side: all DTensors on the active distribution's
mesh, or all plain tensors without a distribution.

DTensor refuses calls mixing the two, but values outlive a distribution scope (a model trained
under DataParallel keeps DTensor weights; the random-seed state is shared by every model), so
the backend passes the arguments of each call through :func:`aligned` (and runs eager probes
:func:`on_mesh`) once a distribution has been bound in this process.
"""

from __future__ import annotations

import contextlib
from typing import Any

import numpy as np
import tensorflow as tf
from oneiros._tree import tree_map
from oneiros.distribution import current
from tensorflow.experimental import dtensor

_bound = [False]


def mark_bound() -> None:
    _bound[0] = True


def distribution_bound() -> bool:
    """Whether a distribution has been bound in this process (DTensors may be around)."""
    return _bound[0]


def local_tensor(value: tf.Tensor) -> tf.Tensor:
    """A DTensor gathered into one plain tensor on this process's default device."""
    layout = dtensor.fetch_layout(value)
    if not layout.is_fully_replicated():
        value = dtensor.relayout(value, dtensor.Layout.replicated(layout.mesh, value.shape.rank))
    return tf.identity(dtensor.unpack(value)[0])


def on_mesh() -> contextlib.AbstractContextManager:
    """Eager ops inside put the tensors they create (an RNN's zero state) on the active
    distribution's mesh, so they meet its DTensors."""
    placement = current() if _bound[0] else None
    return contextlib.nullcontext() if placement is None else dtensor.default_mesh(placement.mesh)


def aligned(tree: Any) -> Any:
    if not _bound[0] or not tf.executing_eagerly():
        return tree
    placement = current()
    if placement is None:
        return tree_map(lambda leaf: local_tensor(leaf) if isinstance(leaf, tf.Tensor) and dtensor.is_dtensor(leaf)
                        else leaf, tree)
    return tree_map(lambda leaf: placement.replicated(leaf) if isinstance(leaf, np.ndarray)
                    or (isinstance(leaf, tf.Tensor) and not dtensor.is_dtensor(leaf)) else leaf, tree)
