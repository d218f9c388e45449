"""The framework contenders of the training benchmarks: Oneiros ``fit`` and Keras 3 ``fit``.

Each trains a :class:`Workload` on numpy arrays, batch 128, Adam, without shuffling, and
returns :func:`_harness.timed_epochs`'s measurements.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from _harness import timed_epochs
from _workload import BATCH, Workload

Contender = Callable[[Workload, np.ndarray, np.ndarray, int], dict[str, Any]]


def oneiros_fit(workload: Workload, x: np.ndarray, y: np.ndarray, repeats: int,
                steps_per_execution: int | str = "auto", backend: Any = "jax") -> dict[str, Any]:
    """``fit`` on ``backend`` (a name or Backend instance), by default with the default compile
    (``steps_per_execution="auto"``); the result also holds the steps per execution used, read
    from the History."""
    import oneiros as oi

    oi.set_backend(backend)
    model = workload.oneiros_model()
    model.compile(optimizer="adam", loss=workload.loss, steps_per_execution=steps_per_execution)
    chosen: dict[str, Any] = {}

    def epoch() -> None:
        history = model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False)
        chosen["steps_per_execution"] = history.params["steps_per_execution"]

    return {**timed_epochs(epoch, len(x), repeats), **chosen}


def keras_fit(workload: Workload, x: np.ndarray, y: np.ndarray, repeats: int,
              steps_per_execution: int = 1) -> dict[str, Any]:
    """Keras 3 ``fit`` on JAX (the benchmark harness sets ``KERAS_BACKEND=jax``)."""
    model = workload.keras_model()
    model.compile(optimizer="adam", loss=workload.loss, steps_per_execution=steps_per_execution)
    return timed_epochs(lambda: model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False),
                        len(x), repeats)


def auto_choice(result: dict[str, Any]) -> str:
    """What ``steps_per_execution="auto"`` chose in an :func:`oneiros_fit` result."""
    chosen = result.get("steps_per_execution")
    return "nothing (the run failed)" if chosen is None else str(chosen)
