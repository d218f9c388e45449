"""Compiled inference: ``model(x)`` with the current weights, traced once per input signature."""

from __future__ import annotations

from typing import Any

from oneiros import ops
from oneiros.backend import get_backend
from oneiros.data._structure import map_arrays
from oneiros.models._pipeline import MeasuredSteps
from oneiros.variables import swapped_values


class Predictor:
    """Runs a model's forward pass (``training=False``) through the backend's inference compiler."""

    def __init__(self, model: Any, backend: Any):
        self.model = model
        self.backend = backend
        self.variables: list[Any] | None = None
        self.function = backend.compile_inference(self._forward)
        self._stacked_function: Any = None
        self.steps = MeasuredSteps()

    @classmethod
    def for_model(cls, model: Any) -> Predictor:
        backend = get_backend()
        cached = model.__dict__.get("_predictor")
        if cached is None or cached.backend is not backend:
            cached = cls(model, backend)
            model._predictor = cached
        return cached

    def _forward(self, values: list[Any], x: Any) -> Any:
        with swapped_values(self.variables, values):
            return self.model(x, training=False)

    def _bind_variables(self, x: Any) -> None:
        if self.variables is None:
            if not self.model.built or not self.model.variables:
                self.model(x, training=False)
            self.variables = self.model.variables

    def __call__(self, x: Any) -> Any:
        self._bind_variables(x)
        return self.function([variable.value for variable in self.variables], x)

    def _forward_stacked(self, values: list[Any], stacked_x: Any) -> Any:
        def one_batch(carry: Any, x: Any) -> tuple[Any, Any]:
            return carry, self._forward(values, x)

        return ops.scan(one_batch, ops.zeros(()), stacked_x)[1]

    def stacked(self, x: Any) -> Any:
        """Outputs for several equal-sized batches stacked on a new axis 0, in one compiled call
        (the batches run one after another, exactly as separate calls would)."""
        self._bind_variables(map_arrays(lambda array: array[0], x))
        if self._stacked_function is None:
            self._stacked_function = self.backend.compile_inference(self._forward_stacked)
        return self._stacked_function([variable.value for variable in self.variables], x)
