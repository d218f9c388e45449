"""Adding rows into a zero tensor at integer positions, differentiable in the added values.

MXNet's ``scatter_nd`` leaves duplicate positions undefined; the kernel that adds duplicates up
is the gradient of ``gather_nd`` (``_backward_gather_nd``), which has no gradient of its own.
:class:`_ScatterAdd` gives it one: the gradient of adding ``values`` at ``positions`` is the
incoming gradient gathered at those positions.
"""

from __future__ import annotations

from typing import Any

import mxnet
from mxnet import autograd
from mxnet import numpy as mnp
from mxnet.ndarray import _internal as legacy


def _add_at(values: Any, positions: Any, shape: tuple[int, ...]) -> Any:
    return legacy._backward_gather_nd(values.as_nd_ndarray(), positions.as_nd_ndarray(), shape=shape)


class _ScatterAdd(autograd.Function):
    def __init__(self, positions: mnp.ndarray, shape: tuple[int, ...]):
        super().__init__()
        self.positions = positions
        self.shape = shape

    def forward(self, values: Any) -> Any:
        return _add_at(values, self.positions, self.shape).as_np_ndarray()

    def backward(self, gradient: Any) -> Any:
        return mxnet.nd.gather_nd(gradient, self.positions.as_nd_ndarray())


def scatter_add(values: mnp.ndarray, positions: mnp.ndarray, shape: tuple[int, ...]) -> mnp.ndarray:
    """A zero tensor of ``shape`` plus ``values[j]`` at index ``positions[:, j]`` for every j.

    ``positions`` is (k, m) integers indexing the first k axes; ``values`` is (m,) + shape[k:].
    """
    if autograd.is_recording():
        return _ScatterAdd(positions, shape)(values)
    return _add_at(values, positions, shape).as_np_ndarray()
