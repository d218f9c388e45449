"""The ``Metric`` base class: pure state functions, plus stateful conveniences for eager use.

A metric's state is a dict of tensors. :meth:`Metric.initial_state`, :meth:`Metric.update`
and :meth:`Metric.compute` are pure functions written in ``oneiros.ops`` (no Python side
effects), so a training loop can carry the state through a compiled step. ``update_state``,
``result`` and ``reset_state`` keep a state on the object for eager use, like Keras.

A metric can also be written the Keras way instead: variables made with :meth:`Metric.add_variable`
in ``__init__``, and ``update_state`` / ``result`` (and optionally ``reset_state``) reading and
assigning them. Its pure functions then run those methods with the variables holding the given
state (keyed by variable name), so it works inside compiled steps too.

Some metrics size their state from the data (``F1Score`` per class, ``R2Score`` per output,
``AUC(multi_label=True)`` per label). They are unbuilt until :meth:`Metric.build` receives the
shapes of ``y_true`` and ``y_pred``; ``update_state`` builds them on first use, and a training
loop calls ``build`` before ``initial_state``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from oneiros import ops
from oneiros.losses._base import float_dtype, snake_case
from oneiros.losses._shapes import Shape
from oneiros.variables import Variable, swapped_values

State = dict[str, Any]


class Metric:
    """Base class of every metric; subclasses implement ``initial_state``, ``update``, ``compute``."""

    def __init__(self, name: str | None = None, dtype: Any = "float32"):
        self.name = name or snake_case(type(self).__name__)
        self.dtype = float_dtype(self.name, dtype)
        self.state: State | None = None
        self._variables: list[Variable] = []

    def add_variable(self, shape: Sequence[int], initializer: Any, dtype: Any = None, aggregation: str = "sum",
                     name: str | None = None) -> Variable:
        """A state variable of a Keras-style metric (``aggregation`` is accepted for Keras
        compatibility: states are combined across devices by the metric's own arithmetic)."""
        from oneiros import initializers

        name = name or f"variable_{len(self._variables)}"
        if any(variable.name == name for variable in self._variables):
            raise ValueError(f"{self.name}: a variable named {name!r} already exists; give each a distinct name.")
        dtype = dtype or self.dtype
        shape = tuple(int(dim) for dim in shape)
        variable = Variable(initializers.get(initializer)(shape, dtype=dtype), name=name, trainable=False,
                            dtype=dtype)
        self._variables.append(variable)
        return variable

    def add_weight(self, shape: Sequence[int] = (), initializer: Any = None, dtype: Any = None,
                   name: str | None = None) -> Variable:
        """Keras's older name for :meth:`add_variable` (zeros unless ``initializer`` is given)."""
        return self.add_variable(shape, initializer or "zeros", dtype=dtype, name=name)

    @property
    def variables(self) -> list[Variable]:
        """The state as Keras lists it: a Keras-style metric's own variables; for a metric with a
        functional state, one non-trainable variable per entry (``<metric>/<entry>``) holding the
        accumulated value, a snapshot. Their order is the order of the stateless methods' lists."""
        if self._variables:
            return list(self._variables)
        if not self.built:
            return []
        initial = self.initial_state()
        state = initial if self.state is None else self.state
        return self._snapshot({key: state[key] for key in initial})  # compiled steps may return them sorted

    def _snapshot(self, state: State) -> list[Variable]:
        """``state`` as non-trainable variables with Keras's paths (``<metric>/<entry>``)."""
        variables = []
        for key, value in state.items():
            variable = Variable(value, name=key, trainable=False, dtype=ops.dtype(value))
            variable.path = f"{self.name}/{key}"
            variables.append(variable)
        return variables

    def _state_keys(self) -> list[str]:
        """The state's entries in the order of :attr:`variables`."""
        return [variable.name for variable in self._variables] if self._variables else list(self.initial_state())

    def _packed(self, metric_variables: Sequence[Any], method: str) -> State:
        keys = self._state_keys()
        if isinstance(metric_variables, dict) or len(metric_variables) != len(keys):
            received = (f"a dict with keys {sorted(metric_variables)}" if isinstance(metric_variables, dict)
                        else f"{len(metric_variables)} values")
            raise ValueError(f"{self.name}.{method}: expected a list of {len(keys)} values, one per entry of "
                             f"metric.variables {keys}; received {received}.")
        return dict(zip(keys, metric_variables))

    def stateless_update_state(self, metric_variables: Sequence[Any], *args: Any, **kwargs: Any) -> list[Any]:
        """Keras's pure update: the values of :attr:`variables` after one more batch (``args`` and
        ``kwargs`` as ``update_state`` takes them), from their values before it."""
        state = self.update(self._packed(metric_variables, "stateless_update_state"), *args, **kwargs)
        return [state[key] for key in self._state_keys()]

    def stateless_result(self, metric_variables: Sequence[Any]) -> Any:
        """Keras's pure ``result``: the metric's value for these values of :attr:`variables`."""
        return self.compute(self._packed(metric_variables, "stateless_result"))

    def stateless_reset_state(self) -> list[Any]:
        """Keras's pure ``reset_state``: the values of :attr:`variables` before any batch."""
        state = self.initial_state()
        return [state[key] for key in self._state_keys()]

    @property
    def built(self) -> bool:
        """Whether the state's shapes are known (always, except for data-sized metrics)."""
        return True

    def build(self, y_true_shape: Shape, y_pred_shape: Shape) -> None:
        """Fixes data-dependent state shapes from the input shapes; a no-op for most metrics."""

    def initial_state(self) -> State:
        """The state before any update (pure). For a Keras-style metric: its variables' values
        after ``reset_state()`` (the variables themselves keep their values)."""
        self._require_variables("initial_state()")
        with self._holding(self._variable_values()):
            self.reset_state()
            return self._variable_values()

    def update(self, state: State, y_true: Any, y_pred: Any, sample_weight: Any = None) -> State:
        """The state after one more batch (pure: ops only, ``state`` is not modified). For a
        Keras-style metric: what its ``update_state`` assigns to variables holding ``state``."""
        self._require_variables("update(state, ...)")
        with self._holding(state):
            self.update_state(y_true, y_pred, sample_weight=sample_weight)
            return self._variable_values()

    def compute(self, state: State) -> Any:
        """The metric's value for ``state`` (pure). For a Keras-style metric: its ``result()``
        with the variables holding ``state``."""
        self._require_variables("compute(state)")
        with self._holding(state):
            value = self.result()
            # Keras lets result() return a variable itself; a compiled step can only return its value
            return value.value if isinstance(value, Variable) else value

    def _require_variables(self, method: str) -> None:
        if not self._variables:
            raise NotImplementedError(
                f"{type(self).__name__} must implement {method}, or be written the Keras way: variables from "
                "self.add_variable(...) in __init__, then update_state(y_true, y_pred, sample_weight=None) and "
                "result().")

    def _variable_values(self) -> State:
        return {variable.name: variable.value for variable in self._variables}

    @contextmanager
    def _holding(self, state: State) -> Iterator[None]:
        """The block runs with the variables holding ``state``; their own values come back after."""
        names = [variable.name for variable in self._variables]
        if sorted(state) != sorted(names):
            raise ValueError(f"{self.name}: the state has entries {sorted(state)}; the metric's variables are "
                             f"{sorted(names)}.")
        with swapped_values(self._variables, [state[name] for name in names]):
            yield

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
        """Forgets every accumulated batch (a Keras-style metric's variables become zeros, as in Keras)."""
        if self._variables:
            for variable in self._variables:
                variable.assign(ops.zeros(variable.shape, variable.dtype))
            return
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
