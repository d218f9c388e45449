"""BaseRandomColorLayer: the random colour layers' shared ``factor`` and ``value_range``."""

from __future__ import annotations

from typing import Any, ClassVar

from oneiros_vision.layers import _arguments
from oneiros_vision.layers._augment_arguments import bounded_range
from oneiros_vision.layers._base_random_image import BaseRandomImageLayer


class BaseRandomColorLayer(BaseRandomImageLayer):
    """Stores a validated ``factor`` range and ``value_range`` (Keras's argument order).

    ``factor_bounds`` None: a number f means [-f, f], within [-1, 1]; bounds (low, high): a
    number f means [max(-f, low), f], within the bounds (Keras's rule for each layer).
    """

    factor_bounds: ClassVar[tuple[float, float] | None] = None

    def __init__(self, factor: Any, value_range: Any = (0, 255), data_format: str | None = None,
                 seed: int | None = None, **kwargs: Any):
        owner = type(self).__name__
        if self.factor_bounds is None:
            factor = _arguments.factor_range(owner, "factor", factor)
        else:
            factor = bounded_range(owner, "factor", factor, self.factor_bounds)
        value_range = _arguments.value_range(owner, value_range)
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = factor
        self.value_range = value_range

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": list(self.factor), "value_range": list(self.value_range)}
