"""The Charbonnier loss: ``sqrt((y_pred - y_true)**2 + epsilon**2)``, a smooth L1."""

from __future__ import annotations

from typing import Any

from oneiros import ops
from oneiros.losses import Loss


class CharbonnierLoss(Loss):
    """Mean over the last axis of ``sqrt(diff**2 + epsilon**2)``.

    Example::

        loss = CharbonnierLoss(epsilon=1e-3)
        value = loss(y_true, y_pred)
    """

    def __init__(self, epsilon: float = 1e-3, **kwargs: Any):
        super().__init__(**kwargs)
        if epsilon <= 0:
            raise ValueError(f"CharbonnierLoss epsilon must be > 0; received {epsilon!r}.")
        self.epsilon = float(epsilon)

    def call(self, y_true: Any, y_pred: Any) -> Any:
        difference = ops.subtract(y_pred, ops.cast(y_true, ops.dtype(y_pred)))
        return ops.mean(ops.sqrt(ops.add(ops.square(difference), self.epsilon**2)), axis=-1)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "epsilon": self.epsilon}
