"""Whether a model's train, test and predict steps run compiled or eagerly: the one place that
reads ``run_eagerly`` and ``jit_compile`` (Keras 3's ``compile`` arguments).

Eager steps are the same Python functions called directly, one batch per call: every op runs
as it is reached, a layer's Python side effects happen on every batch, and host-side layers
(``supports_jit = False``) see concrete arrays. On JAX-like backends Keras treats
``jit_compile=False`` like ``run_eagerly=True``, and so does Oneiros on every backend.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from oneiros import dtypes
from oneiros.backend import FUSED_STEPS, Backend
from oneiros.models._pipeline import AUTO


def supports_jit(model: Any) -> bool:
    """Whether every layer of ``model`` (itself included) can run inside compiled code."""
    return all(layer.supports_jit for layer in model._all_layers())


def runs_eagerly(model: Any) -> bool:
    return bool(model.run_eagerly) or not model.jit_compile


def fused(model: Any, backend: Any, step: Callable, steps: int) -> Callable:
    """``step(state, batch) -> (state, logs)`` over ``steps`` batches stacked on axis 0: the
    backend's fused program, or, for a model that runs eagerly, a Python loop of ``step`` (the
    base backend's, as Keras's eager ``steps_per_execution``)."""
    if steps == 1:
        return step
    return Backend.fuse_steps(backend, step, steps) if runs_eagerly(model) else backend.fuse_steps(step, steps)


def compiled(model: Any, backend: Any, function: Callable, donate_argnums: Sequence[int] = ()) -> Callable:
    """``function`` compiled by the backend, or ``function`` itself for a model that runs eagerly."""
    return function if runs_eagerly(model) else backend.jit(function, donate_argnums=donate_argnums)


def inference_function(model: Any, backend: Any, forward: Callable) -> Callable:
    """``forward(values, inputs)`` for repeated predictions: compiled, or itself when eager."""
    return forward if runs_eagerly(model) else backend.compile_inference(forward)


def requested_steps(model: Any, backend: Any, steps_per_execution: int | str) -> int | str:
    """``steps_per_execution`` as the loops use it: ``"auto"`` is one step per call for a model
    that runs eagerly (nothing to measure, no fused program compiled in the background) and on a
    backend that cannot fuse steps (the search would settle on one; its key and per-call
    bookkeeping took an 8-step pytensor MLP fit from 17.5 to 17.9-19.0 ms)."""
    if steps_per_execution == AUTO and (runs_eagerly(model) or FUSED_STEPS not in backend.capabilities):
        return 1
    return steps_per_execution


def requested_training_steps(model: Any, backend: Any, steps_per_execution: int | str,
                             per_batch_callbacks: bool) -> int | str:
    """``requested_steps`` for ``fit``: ``"auto"`` on a backend that names its own group size
    (``Backend.auto_steps_per_execution``) is that size, or one step per call when callbacks read
    the model after every batch."""
    group = backend.auto_steps_per_execution
    if steps_per_execution == AUTO and group is not None and not runs_eagerly(model):
        return 1 if per_batch_callbacks else group
    return requested_steps(model, backend, steps_per_execution)


def prefetch_depth(model: Any, backend: Any) -> int:
    """Batches copied to the device ahead of the running step: none for a model that runs
    eagerly, whose host-side layers read numpy arrays (strings cannot go to a device at all)."""
    return 0 if runs_eagerly(model) else backend.prefetch_depth


def takes_text(model: Any) -> bool:
    """Whether the model has an ``Input(dtype="string")``, so its data may hold strings."""
    from oneiros.layers.input_layer import InputLayer

    return any(isinstance(layer, InputLayer) and layer.input_dtype == dtypes.STRING for layer in model._all_layers())
