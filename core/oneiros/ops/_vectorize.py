"""``vectorize``: numpy.vectorize's contract over ``ops.vectorized_map`` (a function factory, not an op)."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from typing import Any

from oneiros import ops

_DIMENSIONS = r"\(([\w,\s]*)\)"


def _parse_signature(signature: str) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """'(m,n),(n)->(m)' as ([('m', 'n'), ('n',)], [('m',)])."""
    inputs, arrow, outputs = signature.replace(" ", "").partition("->")
    if not arrow:
        raise ValueError(f"a gufunc signature reads like '(m,n),(n)->(m)'; received {signature!r}.")

    def groups(side: str) -> list[tuple[str, ...]]:
        return [tuple(name for name in group.split(",") if name) for group in re.findall(_DIMENSIONS, side)]

    return groups(inputs), groups(outputs)


def vectorize(pyfunc: Callable[..., Any], *, excluded: Any = None, signature: str | None = None) -> Callable[..., Any]:
    """``pyfunc`` (written for one element, or for core dimensions given by a gufunc ``signature``
    such as ``"(n),(n)->()"``) applied over the broadcast leading dimensions of its tensor
    arguments, like ``numpy.vectorize``. Positional indices or keyword names in ``excluded`` are
    passed through unchanged.

    Example::

        norms = ops.vectorize(lambda v: ops.sqrt(ops.sum(v * v)), signature="(n)->()")
        norms(ops.ones((4, 3)))     # shape (4,)
    """
    excluded = frozenset(excluded or ())

    @functools.wraps(pyfunc)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        mapped = [index for index in range(len(args)) if index not in excluded and args[index] is not None]
        tensors = [ops.convert_to_tensor(args[index]) for index in mapped]
        core_inputs = _parse_signature(signature)[0] if signature else [()] * len(tensors)
        if len(core_inputs) != len(tensors):
            raise ValueError(f"vectorize signature {signature!r} names {len(core_inputs)} inputs; received "
                             f"{len(tensors)} tensors.")
        loop_shapes = [tuple(ops.shape(t)[:len(ops.shape(t)) - len(core)]) for t, core in zip(tensors, core_inputs)]
        loop_shape = _broadcast_shapes(loop_shapes) if loop_shapes else ()
        count = math.prod(loop_shape)
        flattened = tuple(
            ops.reshape(ops.broadcast_to(t, loop_shape + tuple(ops.shape(t)[len(ops.shape(t)) - len(core):])),
                        (count, *ops.shape(t)[len(ops.shape(t)) - len(core):]))
            for t, core in zip(tensors, core_inputs)
        )

        def one(elements: tuple) -> Any:
            call_args = list(args)
            for index, element in zip(mapped, elements):
                call_args[index] = element
            return pyfunc(*call_args, **kwargs)

        results = ops.vectorized_map(one, flattened)
        if isinstance(results, (list, tuple)):
            return type(results)(ops.reshape(r, loop_shape + tuple(ops.shape(r)[1:])) for r in results)
        return ops.reshape(results, loop_shape + tuple(ops.shape(results)[1:]))

    return wrapped


def _broadcast_shapes(shapes: list[tuple[int, ...]]) -> tuple[int, ...]:
    rank = max(len(shape) for shape in shapes)
    padded = [(1,) * (rank - len(shape)) + shape for shape in shapes]
    result = []
    for sizes in zip(*padded):
        wanted = {size for size in sizes if size != 1}
        if len(wanted) > 1:
            raise ValueError(f"vectorize: the loop dimensions {shapes} do not broadcast together.")
        result.append(wanted.pop() if wanted else 1)
    return tuple(result)
