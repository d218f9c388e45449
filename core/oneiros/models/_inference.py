"""Compiled inference: ``model(x)`` with the current weights, traced once per input signature.

Random-generator states (the layers' and the global one unseeded random ops draw from) go in
as arguments; when a forward pass draws from them, the compiled function also returns their
advanced values, which are stored back, so consecutive predictions draw new numbers.
"""

from __future__ import annotations

import threading
from typing import Any

from oneiros import ops
from oneiros.backend import get_backend
from oneiros.data._structure import leaves, map_arrays
from oneiros.layers.layer import collecting_losses
from oneiros.layers.seed_generator import global_seed_generator
from oneiros.models._execution import inference_function, runs_eagerly
from oneiros.models._pipeline import MeasuredSteps
from oneiros.variables import swapped_values


_PREDICTOR_CREATION = threading.Lock()


def _signature(x: Any) -> tuple:
    return tuple((tuple(array.shape), str(array.dtype)) for _, array in leaves(x))


class Predictor:
    """Runs a model's forward pass (``training=False``) through the backend's inference compiler.

    Safe to call from several threads at once: a call whose input signature has not been compiled
    yet runs under the predictor's lock, because tracing swaps the variables' values for tracers
    (see :func:`~oneiros.variables.swapped_values`) and another thread must not read them then;
    compiled signatures run outside it, after reading the values under it.
    """

    def __init__(self, model: Any, backend: Any):
        self.model = model
        self.backend = backend
        self.variables: list[Any] | None = None
        self._random_states: list[int] = []
        self._drawn: dict[str, bool] = {}
        """Per compiled function, whether its trace advanced a random state (so returns them)."""
        self.eager = runs_eagerly(model)
        """Whether the forward pass runs as plain Python calls (the model's ``run_eagerly`` or
        ``jit_compile``; setting either drops the model's predictor)."""
        self.function = inference_function(model, backend, self._forward)
        self._stacked_function: Any = None
        self.steps = MeasuredSteps()
        self._lock = threading.RLock()
        self._compiled: set[tuple] = set()

    @classmethod
    def for_model(cls, model: Any) -> Predictor:
        backend = get_backend()
        cached = model.__dict__.get("_predictor")
        if cached is None or cached.backend is not backend or type(cached) is not cls:
            with _PREDICTOR_CREATION:
                cached = model.__dict__.get("_predictor")
                if cached is None or cached.backend is not backend or type(cached) is not cls:
                    cached = cls(model, backend)
                    model._predictor = cached
        return cached

    def _guarded_call(self, function: Any, name: str, x: Any) -> Any:
        """``function(values, x)`` with the variables' values; traces one thread at a time."""
        key = (name, _signature(x))
        with self._lock:
            values = [variable.value for variable in self.variables]
            if key not in self._compiled or self.eager:  # eager calls swap values every time
                result = function(values, x)
                self._compiled.add(key)
                return self._keep_states(result, name)
        result = function(values, x)
        if not self._drawn.get(name):
            return result
        with self._lock:
            return self._keep_states(result, name)

    def _run_model(self, values: list[Any], x: Any) -> tuple[Any, list[Any]]:
        """The outputs and the random states after the call (what the model drew advanced)."""
        with swapped_values(self.variables, values), collecting_losses():
            y_pred = self.model(x, training=False)
            return y_pred, [self.variables[index].value for index in self._random_states]

    def _forward(self, values: list[Any], x: Any) -> Any:
        y_pred, states = self._run_model(values, x)
        drawn = any(state is not values[index] for index, state in zip(self._random_states, states))
        self._drawn["single"] = drawn
        return (y_pred, states) if drawn else y_pred

    def _bind_variables(self, x: Any) -> None:
        if self.variables is not None:
            return
        with self._lock:
            if self.variables is None:
                if not self.model.built or not self.model.variables:
                    self.model(x, training=False)
                variables = self.model.variables + [global_seed_generator().state]
                self._random_states = [index for index, variable in enumerate(variables)
                                       if not variable.counts_as_parameter]
                self.variables = variables  # last: other threads skip the lock once it is set

    def _keep_states(self, result: Any, function: str) -> Any:
        """The outputs of ``result``, after storing the random states it returned (if it drew)."""
        if not self._drawn.get(function):
            return result
        y_pred, states = result
        for index, state in zip(self._random_states, states):
            self.variables[index]._value = state
        return y_pred

    def __call__(self, x: Any) -> Any:
        self._bind_variables(x)
        return self._guarded_call(self.function, "single", x)

    def _forward_stacked(self, values: list[Any], stacked_x: Any) -> Any:
        def one_batch(states: list[Any], x: Any) -> tuple[list[Any], Any]:
            current = list(values)
            for index, state in zip(self._random_states, states):
                current[index] = state
            y_pred, new_states = self._run_model(current, x)
            self._drawn["stacked"] = any(new is not old for new, old in zip(new_states, states))
            return new_states, y_pred

        states, y_pred = ops.scan(one_batch, [values[index] for index in self._random_states], stacked_x)
        return (y_pred, states) if self._drawn["stacked"] else y_pred

    def stacked(self, x: Any) -> Any:
        """Outputs for several equal-sized batches stacked on a new axis 0, in one compiled call
        (the batches run one after another, exactly as separate calls would)."""
        self._bind_variables(map_arrays(lambda array: array[0], x))
        with self._lock:
            if self._stacked_function is None:
                self._stacked_function = inference_function(self.model, self.backend, self._forward_stacked)
        return self._guarded_call(self._stacked_function, "stacked", x)
