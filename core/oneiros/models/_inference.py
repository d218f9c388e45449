"""Compiled inference: ``model(x)`` with the current weights, traced once per input signature."""

from __future__ import annotations

from typing import Any

from oneiros.backend import get_backend
from oneiros.variables import swapped_values


class Predictor:
    """Runs a model's forward pass (``training=False``) through the backend's inference compiler."""

    def __init__(self, model: Any, backend: Any):
        self.model = model
        self.backend = backend
        self.variables: list[Any] | None = None
        self.function = backend.compile_inference(self._forward)

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

    def __call__(self, x: Any) -> Any:
        if self.variables is None:
            if not self.model.built or not self.model.variables:
                self.model(x, training=False)
            self.variables = self.model.variables
        return self.function([variable.value for variable in self.variables], x)
