"""The ``Metric`` base class: pure state functions, plus stateful conveniences for eager use.

A metric's state is a dict of tensors. :meth:`Metric.initial_state`, :meth:`Metric.update`
and :meth:`Metric.compute` are pure functions written in ``oneiros.ops`` (no Python side
effects), so a training loop can carry the state through a compiled step. ``update_state``,
``result`` and ``reset_state`` keep a state on the object for eager use, like Keras.

Some metrics size their state from the data (``F1Score`` per class, ``R2Score`` per output,
``AUC(multi_label=True)`` per label). They are unbuilt until :meth:`Metric.build` receives the
shapes of ``y_true`` and ``y_pred``; ``update_state`` builds them on first use, and a training
loop calls ``build`` before ``initial_state``.
"""

from __future__ import annotations

from typing import Any

from oneiros import ops
from oneiros.losses._base import float_dtype, snake_case
from oneiros.losses._shapes import Shape

State = dict[str, Any]


class Metric:
    """Base class of every metric; subclasses implement ``initial_state``, ``update``, ``compute``."""

    def __init__(self, name: str | None = None, dtype: Any = "float32"):
        self.name = name or snake_case(type(self).__name__)
        self.dtype = float_dtype(self.name, dtype)
        self.state: State | None = None

    @property
    def built(self) -> bool:
        """Whether the state's shapes are known (always, except for data-sized metrics)."""
        return True

    def build(self, y_true_shape: Shape, y_pred_shape: Shape) -> None:
        """Fixes data-dependent state shapes from the input shapes; a no-op for most metrics."""

    def initial_state(self) -> State:
        """The state before any update (pure)."""
        raise NotImplementedError(f"{type(self).__name__} must implement initial_state().")

    def update(self, state: State, y_true: Any, y_pred: Any, sample_weight: Any = None) -> State:
        """The state after one more batch (pure: ops only, ``state`` is not modified)."""
        raise NotImplementedError(f"{type(self).__name__} must implement update(state, ...).")

    def compute(self, state: State) -> Any:
        """The metric's value for ``state`` (pure)."""
        raise NotImplementedError(f"{type(self).__name__} must implement compute(state).")

    def _current_state(self, *update_args: Any) -> State:
        if self.state is None:
            if not self.built:
                y_true, y_pred = update_args[:2]
                self.build(tuple(ops.shape(ops.convert_to_tensor(y_true))),
                           tuple(ops.shape(ops.convert_to_tensor(y_pred))))
            self.state = self.initial_state()
        return self.state

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Accumulates one batch into ``self.state``."""
        self.state = self.update(self._current_state(y_true, y_pred), y_true, y_pred, sample_weight)

    def result(self) -> Any:
        """The value of the accumulated state (the initial state's value before any update)."""
        if self.state is None and not self.built:
            raise ValueError(f"{self.name}: result() before any update_state(); this metric sizes "
                             "its state from the data, so it has no value yet.")
        return self.compute(self.state if self.state is not None else self.initial_state())

    def reset_state(self) -> None:
        """Forgets every accumulated batch."""
        self.state = self.initial_state() if self.built else None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Updates with one batch and returns the result, like Keras."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Metric:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}>"
