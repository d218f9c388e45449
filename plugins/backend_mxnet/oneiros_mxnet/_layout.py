"""Axis permutations, and channels-last tensors whose values MXNet keeps channels-first.

MXNet's CPU convolution and pooling kernels take channels-first data (N, C, *spatial). Keras
layouts are channels-last, so a convolution would transpose its input in, its output back, and
the pooling after it would do both again: on small networks the transposes (and the reduction
that sums the gradient of the bias added in between) cost more than the convolutions. So
convolution and pooling return a :class:`ChannelsLastView` of their channels-first result:

- the next convolution or pooling reads the channels-first values directly;
- activations run on them and return another view; a nondecreasing one (relu) waits, so that
  a max pooling reading it pools first and activates the 4x smaller result (max pooling
  commutes with a nondecreasing function, values and gradients alike);
- a bias added to a convolution that has not run yet goes into MXNet's convolution itself
  (whose bias gradient is computed with the convolution's);
- anything else gets the channels-last array, transposed once and kept.

A view is computed on first use, which is also when autograd records it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mxnet
import numpy as np
from mxnet import numpy as mnp

Compute = Callable[[Any], mnp.ndarray]


def permuted(x: mnp.ndarray, axes: Any = None) -> mnp.ndarray:
    """``x`` with its axes permuted (reversed when ``axes`` is None), like ``numpy.transpose``.

    Runs MXNet's legacy transpose kernel, 3-4x faster on CPU than the numpy-interface one
    (and differentiable through the zero-copy views between the two interfaces).
    """
    order = tuple(reversed(range(x.ndim))) if axes is None else tuple(int(a) % max(x.ndim, 1) for a in axes)
    if order == tuple(range(x.ndim)):
        return x
    shape = tuple(x.shape)
    if [axis for axis in order if shape[axis] != 1] == [axis for axis in range(x.ndim) if shape[axis] != 1]:
        # Only size-1 axes move: the values keep their order, so a reshape does it without a copy.
        return x.reshape(tuple(shape[axis] for axis in order))
    return mxnet.nd.transpose(x.as_nd_ndarray(), axes=order).as_np_ndarray()


def moved_axes(ndim: int, source: Any, destination: Any) -> tuple[int, ...]:
    """The permutation ``numpy.moveaxis(x, source, destination)`` applies to an ``ndim`` tensor."""
    sources = [int(a) % ndim for a in ((source,) if isinstance(source, int) else source)]
    destinations = [int(a) % ndim for a in ((destination,) if isinstance(destination, int) else destination)]
    if len(sources) != len(destinations) or len(set(sources)) != len(sources) or len(set(destinations)) != len(destinations):
        raise ValueError(f"moveaxis needs as many distinct source as destination axes; received {source!r} "
                         f"and {destination!r}.")
    order = [axis for axis in range(ndim) if axis not in sources]
    for where, axis in sorted(zip(destinations, sources)):
        order.insert(where, axis)
    return tuple(order)


def to_channels_first(x: mnp.ndarray) -> mnp.ndarray:
    return permuted(x, moved_axes(x.ndim, -1, 1))


def to_channels_last(x: mnp.ndarray) -> mnp.ndarray:
    return permuted(x, moved_axes(x.ndim, 1, -1))


class ChannelsLastView:
    """A channels-last tensor whose values are a channels-first MXNet array (see the module doc).

    ``shape`` and ``dtype`` are the channels-last tensor's; other array attributes are those of
    the channels-last array, made on first access.
    """

    __slots__ = ("shape", "dtype", "_first", "_last", "_compute", "_takes_bias", "_nondecreasing")

    def __init__(self, shape: tuple[int, ...], dtype: Any, compute: Compute, takes_bias: bool = False):
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self._compute = compute
        self._takes_bias = takes_bias
        self._first: mnp.ndarray | None = None
        self._last: mnp.ndarray | None = None
        self._nondecreasing: tuple[ChannelsLastView, Callable[[mnp.ndarray], mnp.ndarray]] | None = None

    @classmethod
    def of(cls, channels_first: mnp.ndarray) -> ChannelsLastView:
        shape = tuple(channels_first.shape)
        view = cls((shape[0], *shape[2:], shape[1]), channels_first.dtype, lambda bias: channels_first)
        view._first = channels_first
        return view

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def channels_first(self) -> mnp.ndarray:
        if self._first is None:
            self._first = self._compute(None)
            self._takes_bias = False
        return self._first

    def materialize(self) -> mnp.ndarray:
        """The channels-last MXNet array (transposed once, then kept)."""
        if self._last is None:
            self._last = to_channels_last(self.channels_first)
        return self._last

    def with_bias(self, bias: mnp.ndarray) -> ChannelsLastView | None:
        """This convolution with ``bias`` added by MXNet's kernel, or None if it ran already."""
        if not self._takes_bias or self._first is not None:
            return None
        compute = self._compute
        return ChannelsLastView(self.shape, self.dtype, lambda _: compute(bias))

    def mapped(self, fn: Callable[[mnp.ndarray], mnp.ndarray]) -> ChannelsLastView:
        """``fn`` (elementwise, layout-blind) applied to the channels-first values, as a view."""
        return ChannelsLastView.of(fn(self.channels_first))

    def mapped_nondecreasing(self, fn: Callable[[mnp.ndarray], mnp.ndarray], dtype: Any) -> ChannelsLastView:
        """``fn`` (elementwise, nondecreasing, results of ``dtype``) applied to the channels-first
        values when first read, as a view a max pooling may read through (:meth:`before_map`)."""
        view = ChannelsLastView(self.shape, dtype, lambda _: fn(self.channels_first))
        view._nondecreasing = (self, fn)
        return view

    def before_map(self) -> tuple[ChannelsLastView, Callable[[mnp.ndarray], mnp.ndarray]] | None:
        """``(source, fn)`` when this view is a pending :meth:`mapped_nondecreasing`, else None."""
        return self._nondecreasing if self._first is None else None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.materialize(), name)

    def __getitem__(self, key: Any) -> Any:
        return self.materialize()[key]

    def __len__(self) -> int:
        return self.shape[0]

    def __array__(self, dtype: Any = None) -> np.ndarray:
        values = self.materialize().asnumpy()
        return values if dtype is None else values.astype(dtype)

    def __repr__(self) -> str:
        return repr(self.materialize())
