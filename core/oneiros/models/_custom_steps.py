"""A model's own Keras JAX-style ``train_step`` / ``test_step`` / ``predict_step`` inside fit,
evaluate and predict.

Keras on JAX hands a step its state as a tuple of flat lists (see
:mod:`oneiros.models._step_members`); Oneiros's trainer carries a :class:`~oneiros.models._trainer.State`.
:class:`KerasStepTrainer` converts one into the other inside the compiled step, so the conversion
is traced once and the loop around it (fused steps, callbacks, syncs at epoch ends) is the
default one. Only a model whose class overrides a step gets it; every other model keeps the
default trainer and predictor.

Two differences of layout from the default trainer: the metric states are those of the leaves of
``model.metrics`` (Keras's ``metrics_variables``: the ``"loss"`` tracker, the compiled metrics,
then the model's own metric attributes), and the logged values follow Keras's rule (the step's
logs, nested dicts flattened; the metrics' results when they name the same keys). The global
random generator's state, which Keras's tuples do not hold, is swapped in around the user's step
and carried out of it, so unseeded random ops draw new numbers at every step.
"""

from __future__ import annotations

import inspect
from typing import Any

from oneiros import ops, tree
from oneiros.backend import JAX_STEPS, get_backend
from oneiros.errors import CapabilityError, OneirosError
from oneiros.layers.layer import collecting_losses
from oneiros.layers.seed_generator import global_seed_generator
from oneiros.models._inference import Predictor
from oneiros.models._keras_members import _leaf_metrics
from oneiros.models._step_members import STEP_NAMES, overrides
from oneiros.models._trainer import State, Trainer
from oneiros.utils._structures import pack_x_y_sample_weight
from oneiros.variables import swapped_values

STATE_PARTS = {
    "train_step": ("trainable_variables", "non_trainable_variables", "optimizer_variables", "metrics_variables"),
    "test_step": ("trainable_variables", "non_trainable_variables", "metrics_variables"),
}
"""The lists of each step's state tuple, in order, as Keras names them."""


def check_step_overrides(model: Any, backend: Any) -> None:
    """Refuses, before any step, a backend whose tensors are not jax arrays and a step written in
    another engine's style (``train_step(self, data)`` with a GradientTape)."""
    for name in STEP_NAMES:
        if not overrides(model, name):
            continue
        parameters = [p for p in inspect.signature(getattr(model, name)).parameters.values()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if len(parameters) != 2:
            raise OneirosError(
                f"{type(model).__name__}.{name} takes {[p.name for p in parameters]}; Oneiros runs Keras's JAX-style "
                f"{name}(self, state, data) (the TensorFlow style {name}(self, data) with a GradientTape, and the "
                "PyTorch style, are not supported).")
        try:
            backend.require(JAX_STEPS)
        except CapabilityError as error:
            raise OneirosError(f"{type(model).__name__} overrides {name} in Keras's JAX style, which needs jax "
                               f"arrays: use the jax backend. {error}") from error


def trainer_class(model: Any) -> type[Trainer]:
    """The trainer for ``model``: :class:`KerasStepTrainer` when it overrides train_step or test_step."""
    return KerasStepTrainer if overrides(model, "train_step") or overrides(model, "test_step") else Trainer


def predictor_for(model: Any) -> Predictor:
    """The model's predictor: :class:`KerasStepPredictor` when it overrides predict_step."""
    return (KerasStepPredictor if overrides(model, "predict_step") else Predictor).for_model(model)


def _checked_state(model: Any, method: str, result: Any, expected: dict[str, int]) -> tuple[Any, list[list[Any]]]:
    """``(logs, parts)`` of what ``method`` returned, after checking it is ``(logs, state)`` with
    one list of the expected length per part of the state."""
    owner = f"{type(model).__name__}.{method}"
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise ValueError(f"{owner} must return (logs, state); received {type(result).__name__} "
                         f"{'of ' + str(len(result)) + ' items' if isinstance(result, (tuple, list)) else ''}.")
    logs, state = result
    names = list(expected)
    if not isinstance(state, (tuple, list)) or len(state) != len(names):
        received = f"{len(state)} items" if isinstance(state, (tuple, list)) else type(state).__name__
        raise ValueError(f"{owner} returned a state of {received}; expected a tuple of {len(names)} lists "
                         f"({', '.join(names)}).")
    for name, values in zip(names, state):
        if not isinstance(values, (tuple, list)) or len(values) != expected[name]:
            received = f"{len(values)} values" if isinstance(values, (tuple, list)) else type(values).__name__
            raise ValueError(f"{owner} returned {name} holding {received}; expected {expected[name]} (one per "
                             f"entry of the {name} it received).")
    if not isinstance(logs, dict):
        raise ValueError(f"{owner} must return its logs as a dict of metric values; received "
                         f"{type(logs).__name__}.")
    return logs, [list(values) for values in state]


def _flat_logs(logs: dict[str, Any]) -> dict[str, Any]:
    """Nested dicts of logs (``{"compile_metrics": {"mae": ...}}``) spread out, as Keras logs them."""
    flat: dict[str, Any] = {}
    for key, value in logs.items():
        flat.update(_flat_logs(value) if isinstance(value, dict) else {key: value})
    return flat


def _logged_value(value: Any) -> Any:
    """A Python float where the value is one number (Keras's ``pythonify_logs``), else the array."""
    array = ops.to_numpy(value)
    return float(array) if array.size == 1 else array


class KerasStepTrainer(Trainer):
    """The trainer of a model that overrides ``train_step`` or ``test_step``: runs the model's
    steps (its own, or Keras's defaults) on Keras's state tuples inside the compiled steps."""

    def __init__(self, model: Any):
        check_step_overrides(model, get_backend())
        super().__init__(model)

    def held_metrics(self) -> list[Any]:
        """The metrics whose states the steps carry: the leaves of ``model.metrics``."""
        if not hasattr(self, "_step_metrics"):
            self._step_metrics = _leaf_metrics(self.model.metrics)
        return self._step_metrics

    def initial_state(self) -> State:
        state = super().initial_state()
        self.config.optimizer._trainable_variables = list(self.trainable)  # what stateless_apply constrains
        return state

    def initial_metric_states(self) -> list[Any]:
        return [metric.initial_state() for metric in self.held_metrics()]

    def _flat_metrics(self, metric_states: list[dict[str, Any]]) -> list[Any]:
        return [state[key] for metric, state in zip(self.held_metrics(), metric_states)
                for key in metric._state_keys()]

    def _metric_states(self, values: list[Any]) -> list[dict[str, Any]]:
        states, start = [], 0
        for metric in self.held_metrics():
            keys = metric._state_keys()
            states.append(dict(zip(keys, values[start:start + len(keys)])))
            start += len(keys)
        return states

    def _run_user_step(self, method: str, keras_state: tuple, batch: Any, seed_state: Any) -> tuple:
        """The model's ``method`` on Keras's state and data, with the global random state swapped in;
        returns its checked ``(logs, parts)`` and the global random state after it."""
        x, y, sample_weight = batch
        expected = {name: len(part) for name, part in zip(STATE_PARTS[method], keras_state)}
        generator_state = global_seed_generator().state
        with swapped_values([generator_state], [seed_state]):
            result = getattr(self.model, method)(keras_state, pack_x_y_sample_weight(x, y, sample_weight))
            new_seed_state = generator_state.value
        logs, parts = _checked_state(self.model, method, result, expected)
        return _flat_logs(logs), parts, new_seed_state

    def train_step(self, state: State, batch: Any) -> tuple[State, dict[str, Any]]:
        *non_trainable, seed_state = state.non_trainable
        keras_state = (list(state.trainable), non_trainable, tree.flatten(state.optimizer_state),
                       self._flat_metrics(state.metric_states))
        logs, (trainable, non_trainable, optimizer_variables, metrics_variables), seed_state = self._run_user_step(
            "train_step", keras_state, batch, seed_state)
        return State(trainable, [*non_trainable, seed_state],
                     tree.pack_sequence_as(state.optimizer_state, optimizer_variables),
                     self._metric_states(metrics_variables)), logs

    def test_step(self, state: State, batch: Any) -> tuple[list[Any], list[Any], dict[str, Any]]:
        *non_trainable, seed_state = state.non_trainable
        keras_state = (list(state.trainable), non_trainable, self._flat_metrics(state.metric_states))
        logs, (_, non_trainable, metrics_variables), seed_state = self._run_user_step(
            "test_step", keras_state, batch, seed_state)
        return [*non_trainable, seed_state], self._metric_states(metrics_variables), logs

    def logged_values(self, logs: dict[str, Any]) -> dict[str, Any]:
        """Keras's rule: the metrics' results when they name the same keys as the step's logs (the
        metrics hold the last step's states by now), else the logs; ordered as Keras's evaluate
        lists them (the metrics' names, then the other keys sorted)."""
        results = self.model.get_metrics_result()
        chosen = results if set(results) == set(logs) else logs
        names = [metric.name for metric in _leaf_metrics(self.model.metrics)]
        order = [name for name in names if name in chosen] + sorted(key for key in chosen if key not in names)
        return {key: _logged_value(chosen[key]) for key in order}


class KerasStepPredictor(Predictor):
    """The predictor of a model that overrides ``predict_step``: runs it on ``(trainable,
    non_trainable)`` values inside the compiled inference function."""

    def __init__(self, model: Any, backend: Any):
        check_step_overrides(model, backend)
        super().__init__(model, backend)

    def _run_model(self, values: list[Any], x: Any) -> tuple[Any, list[Any]]:
        model = self.model
        with swapped_values(self.variables, values), collecting_losses():
            trainable = [variable.value for variable in model.trainable_variables]
            non_trainable_variables = model.non_trainable_variables
            result = model.predict_step((trainable, [variable.value for variable in non_trainable_variables]),
                                        pack_x_y_sample_weight(x))
            if not isinstance(result, (tuple, list)) or len(result) != 2 or \
                    not isinstance(result[1], (tuple, list)) or len(result[1]) != len(non_trainable_variables):
                raise ValueError(f"{type(model).__name__}.predict_step must return (outputs, "
                                 f"non_trainable_variables) with {len(non_trainable_variables)} non-trainable "
                                 f"values; received {type(result).__name__} {result!r:.200}.")
            outputs, new_non_trainable = result
            for variable, value in zip(non_trainable_variables, new_non_trainable):
                variable._value = value  # inside the swap: read below, restored after it
            return outputs, [self.variables[index].value for index in self._random_states]
