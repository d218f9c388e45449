"""What ``TensorflowBackend.jit`` returns: a function traced by ``tf.function``, run with XLA or
without as chosen from its traced graph (``_xla.prefers_xla``), or as the backend forces."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf
from oneiros._tree import tree_map

from oneiros_tensorflow._dispatch import FlatDispatch
from oneiros_tensorflow._dtypes import tensor
from oneiros_tensorflow._xla import prefers_xla
from oneiros_tensorflow.distribution._inputs import aligned


def host_to_tensors(tree: Any) -> Any:
    """numpy leaves as tensors (narrowed to 32 bits), so a traced function sees Oneiros dtypes
    and retraces on shapes only; tensors and Python values pass through."""
    return tree_map(lambda leaf: tensor(leaf) if isinstance(leaf, (np.ndarray, np.generic)) else leaf, tree)


class CompiledFunction:
    """``fn`` traced once per input signature. ``jit_compile`` None chooses at the first call
    (or in :meth:`ahead_of_time`) between XLA and the plain graph; True or False forces it."""

    def __init__(self, fn: Callable, jit_compile: bool | None, on_gpu: Callable[[], bool]) -> None:
        self._fn = fn
        self._jit_compile = jit_compile
        self._on_gpu = on_gpu
        self._program: FlatDispatch | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        args, kwargs = aligned(host_to_tensors(args)), aligned(host_to_tensors(kwargs))
        if self._program is not None:
            return self._program(*args, **kwargs)
        return self._first_run(self._candidates(args, kwargs), args, kwargs)

    def ahead_of_time(self, *example_args: Any) -> Callable[[], CompiledFunction]:
        """Traces here for arguments like ``example_args`` (tracing runs the model's Python, which
        swaps its variables' values: only the training thread may do it); the returned function
        runs the traced program once on them, in whichever thread calls it, since TensorFlow
        optimises a graph, and XLA compiles it, at its first run. The function is pure, so that
        run changes nothing."""
        args = aligned(host_to_tensors(example_args))
        candidates = self._candidates(args, {})

        def compile() -> CompiledFunction:
            self._first_run(candidates, args, {})
            return self

        return compile

    def _candidates(self, args: tuple, kwargs: dict) -> list[Any]:
        """The ``tf.function``s to try, preferred first, each traced for ``args``: the one chosen
        earlier, the one ``jit_compile`` forces, or XLA (where preferred) and the plain graph."""
        if self._program is not None:
            candidates = [self._program.function]
        elif self._jit_compile is not None:
            candidates = [tf.function(self._fn, autograph=False, jit_compile=self._jit_compile)]
        else:
            graph = tf.function(self._fn, autograph=False)
            xla_first = prefers_xla(graph.get_concrete_function(*args, **kwargs), self._on_gpu())
            candidates = [tf.function(self._fn, autograph=False, jit_compile=True), graph] if xla_first else [graph]
        for candidate in candidates:
            candidate.get_concrete_function(*args, **kwargs)
        return candidates

    def _first_run(self, candidates: list[Any], args: tuple, kwargs: dict) -> Any:
        """Runs the first candidate that compiles; later calls run it."""
        *preferred, last = candidates
        for candidate in preferred:
            try:
                result = candidate(*args, **kwargs)
            except (tf.errors.InvalidArgumentError, tf.errors.UnimplementedError):
                # An op without an XLA kernel (e.g. ResizeNearestNeighborGrad) or a loop XLA
                # cannot bound: the graph runs it (and raises what is the caller's error).
                continue
            self._program = FlatDispatch(candidate)
            return result
        self._program = FlatDispatch(last)
        return last(*args, **kwargs)
