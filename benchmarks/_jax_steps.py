"""Hand-written JAX + optax training of a :class:`Workload`: one jitted step per call, or ``K``
steps per ``lax.scan`` call with the ``K`` batches stacked and sent to the device at once.

Both donate the training state to each call, so it stays on the device between steps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np
from _harness import timed_epochs
from _workload import BATCH, Workload


def hand_written_training(workload: Workload, x: np.ndarray, y: np.ndarray, repeats: int,
                          steps_per_call: int) -> dict[str, float]:
    """Samples/second of the hand-written loop running ``steps_per_call`` steps per compiled call."""
    import jax

    params_key, dropout_key = jax.random.split(jax.random.PRNGKey(0))
    params = workload.jax_params(params_key)
    optimizer = workload.jax_optimizer()
    carry = (params, optimizer.init(params), dropout_key if workload.jax_needs_key else None)
    step = _train_step(workload.jax_loss, optimizer)
    if steps_per_call == 1:
        run_epoch = _one_step_per_call(step, carry, x, y)
    else:
        run_epoch = _steps_per_scan(step, carry, x, y, steps_per_call)
    return timed_epochs(run_epoch, len(x), repeats)


def _train_step(loss: Callable[..., Any], optimizer: Any) -> Callable[[Any, Any], Any]:
    import jax
    import optax

    def step(carry: Any, batch: Any) -> tuple[Any, Any]:
        params, opt_state, key = carry
        step_key = None
        if key is not None:
            key, step_key = jax.random.split(key)
        value, grads = jax.value_and_grad(loss)(params, *batch, step_key)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return (optax.apply_updates(params, updates), opt_state, key), value

    return step


def _one_step_per_call(step: Callable[[Any, Any], Any], carry: Any, x: np.ndarray,
                       y: np.ndarray) -> Callable[[], None]:
    import jax

    single = jax.jit(step, donate_argnums=0)

    def epoch() -> None:
        nonlocal carry
        for start in range(0, len(x), BATCH):
            carry, _ = single(carry, (x[start:start + BATCH], y[start:start + BATCH]))
        jax.block_until_ready(carry)

    return epoch


def _steps_per_scan(step: Callable[[Any, Any], Any], carry: Any, x: np.ndarray, y: np.ndarray,
                    steps: int) -> Callable[[], None]:
    """Full groups of ``steps`` batches run in one ``lax.scan`` call each; the batches left over
    (fewer than ``steps``, the last one possibly short) run one step per call."""
    import jax

    single = jax.jit(step, donate_argnums=0)
    fused = jax.jit(lambda state, batches: jax.lax.scan(step, state, batches), donate_argnums=0)
    groups = len(x) // (steps * BATCH)
    grouped_end = groups * steps * BATCH
    x_groups = x[:grouped_end].reshape(groups, steps, BATCH, *x.shape[1:])
    y_groups = y[:grouped_end].reshape(groups, steps, BATCH, *y.shape[1:])

    def epoch() -> None:
        nonlocal carry
        for batches in _sent_ahead(zip(x_groups, y_groups)):
            carry, _ = fused(carry, batches)
        for start in range(grouped_end, len(x), BATCH):
            carry, _ = single(carry, (x[start:start + BATCH], y[start:start + BATCH]))
        jax.block_until_ready(carry)

    return epoch


def _sent_ahead(groups: Iterable[Any]) -> Iterator[Any]:
    """The groups on the device, each copy started before the previous group is trained on, so
    that the host-to-device copy overlaps the running call."""
    import jax

    pending = None
    for group in groups:
        sent = jax.device_put(group)
        if pending is not None:
            yield pending
        pending = sent
    if pending is not None:
        yield pending
