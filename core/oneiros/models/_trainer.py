"""The pure train / test / predict steps of a compiled model, compiled once by the backend.

Training state is a tuple ``(trainable, non_trainable, optimizer_state, metric_states)`` of
backend tensors that stays with the trainer between steps; variables receive the latest values
only at sync points (epoch ends, callbacks that need them, the end of fit), so the per-step
Python work does not grow with the number of variables. ``non_trainable`` holds the
random-generator states too (the layers' and the global one unseeded random ops draw from), so
every step, evaluation batch and prediction draws new numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from oneiros import ops
from oneiros.backend import TRAINABLE, get_backend
from oneiros.distribution import current as current_distribution
from oneiros.layers._symbolic import flatten
from oneiros.errors import OneirosError
from oneiros.layers.layer import collecting_losses, losses_overridden
from oneiros.layers.seed_generator import global_seed_generator
from oneiros.models._execution import compiled, fused, runs_eagerly, supports_jit
from oneiros.models._pipeline import FusionSearch, MeasuredSteps
from oneiros.models._step_members import call_compute_loss, overrides
from oneiros.variables import swapped_values

if TYPE_CHECKING:
    from oneiros.models.model import Model



class State(NamedTuple):
    """What a training step takes and returns (a pytree of backend tensors)."""

    trainable: list[Any]
    non_trainable: list[Any]
    optimizer_state: Any
    metric_states: list[Any]


def _output_names(model: Any, count: int) -> list[str]:
    names = getattr(model, "output_names", None)
    if names and len(names) == count:
        return list(names)
    return ["output"] if count == 1 else [f"output_{index}" for index in range(count)]


def _shape(value: Any) -> tuple:
    return tuple(getattr(value, "shape", ()))


def _built_graph(model: Model) -> bool:
    """A Sequential or functional model whose layers all hold their weights and can be traced:
    calling it creates no variable, so it can be called on abstract values."""
    from oneiros.models.functional import Functional
    from oneiros.models.sequential import Sequential

    return (isinstance(model, (Functional, Sequential)) and all(layer.built for layer in model._all_layers())
            and supports_jit(model))


class Trainer:
    """Builds and runs the compiled steps of one compiled model on the active backend."""

    def __init__(self, model: Any):
        self.model = model
        self.config = model.compiled
        self.backend = get_backend()
        self.prepared = False
        self._optimizer_state: Any = None
        self._applied_learning_rate: Any = None
        self._train_functions: dict[tuple[int, bool], Any] = {}
        self._test_functions: dict[tuple[int, bool], Any] = {}
        """Keyed by steps per call and whether the model ran eagerly (``run_eagerly`` may change)."""
        self.training_steps = MeasuredSteps()
        self.evaluation_steps = MeasuredSteps()
        self.fusion_search = FusionSearch(self.backend, self.train_function)
        self.own_compute_loss = overrides(model, "compute_loss")
        """Whether the steps' loss is the model's own ``compute_loss`` rather than the compiled one."""

    @property
    def optimizer_state(self) -> Any:
        return self._optimizer_state

    @optimizer_state.setter
    def optimizer_state(self, state: Any) -> None:
        """Kept here and shown to the optimizer, whose ``iterations`` reads it (as in Keras)."""
        self._optimizer_state = state
        self.config.optimizer.latest_state = state

    def _flat_outputs(self, y_pred: Any) -> list[Any]:
        return flatten(y_pred)

    def _targets(self, y: Any) -> list[Any]:
        names = self.config.output_names
        if isinstance(y, dict):
            missing = [name for name in names if name not in y]
            if missing:
                raise ValueError(f"y is missing targets for outputs {missing}; received keys {sorted(y)}.")
            return [y[name] for name in names]
        flat = flatten(y)
        if len(flat) != len(names):
            raise ValueError(f"The model has {len(names)} outputs {names}; y holds {len(flat)} arrays.")
        return flat

    def prepare(self, x: Any, y: Any) -> None:
        """Builds the model from the first batch and resolves the losses and metrics."""
        model = self.model
        # The global generator's state too: an unseeded random op would otherwise advance it inside
        # the abstract trace (leaking a tracer) or draw numbers a probe should not consume.
        variables = [*model.variables, global_seed_generator().state]
        if _built_graph(model):
            def probe(values: list[Any], inputs: Any) -> Any:
                with swapped_values(variables, values):
                    return model(inputs, training=False)

            # Only the outputs' shapes are needed: an eager call would compile every op of the model.
            y_pred = self.backend.output_spec(probe, [variable._value for variable in variables], x)
        else:
            with swapped_values(variables, [variable._value for variable in variables]):  # a probe, not a step
                y_pred = model(x, training=False)
        predictions = self._flat_outputs(y_pred)
        self.prediction_shapes = [_shape(p) for p in predictions]
        names = _output_names(model, len(predictions))
        if y is not None:
            self.config.output_names = names
            targets = self._targets(y)
            self.config.resolve_outputs(names, [_shape(t) for t in targets], [_shape(p) for p in predictions])
        elif self.config.loss_spec is not None:
            raise ValueError(f"Model {model.name!r} was compiled with loss={self.config.loss_spec!r} but the data "
                             "has no targets (y is None); pass y, or compile without a loss when the model adds "
                             "its own with add_loss().")
        model._assign_variable_paths()
        self.trainable = model.trainable_weights
        self.non_trainable = model.non_trainable_variables + [global_seed_generator().state]
        self.prepared = True

    def require_training(self) -> None:
        self.backend.require(TRAINABLE)

    def initial_state(self) -> State:
        if self.optimizer_state is None:
            restored = self.model.__dict__.pop("_pending_optimizer_state", None)
            self.optimizer_state = restored if restored is not None else self.config.optimizer.init_for(
                self.trainable)
            self._applied_learning_rate = self.config.optimizer.configured_learning_rate
        return self.state_from_variables(self.optimizer_state, self.initial_metric_states())

    def state_from_variables(self, optimizer_state: Any, metric_states: list[Any]) -> State:
        """The variables' current values with these optimizer and metric states, placed on the
        devices of the active distribution."""
        return self.distribute(State([v.value for v in self.trainable], [v.value for v in self.non_trainable],
                                     optimizer_state, metric_states))

    def distribute(self, state: State) -> State:
        """``state`` placed on the devices of the active distribution (unchanged without one)."""
        distribution = current_distribution()
        if distribution is None:
            return state
        trainable = distribution.distribute_weights(state.trainable, self.trainable)
        non_trainable = distribution.distribute_weights(state.non_trainable, self.non_trainable)
        return State(trainable, non_trainable, distribution.distribute_state(state.optimizer_state, trainable),
                     distribution.distribute_state(state.metric_states, trainable))

    def _all_metrics(self) -> list[Any]:
        return [m for group in self.config.metrics + self.config.weighted_metrics for m in group]

    def _loss_trackers(self) -> list[Any]:
        from oneiros.metrics._reduction import Mean

        if not hasattr(self, "_trackers"):
            names = ["loss"]
            if len(self.config.output_names) > 1 and self.config.losses:
                names += [f"{name}_loss" for name in self.config.output_names]
            self._trackers = [Mean(name=name) for name in names]
        return self._trackers

    def held_metrics(self) -> list[Any]:
        """The metrics whose states the steps carry, in the order of ``State.metric_states``."""
        return self._loss_trackers() + self._all_metrics()

    def initial_metric_states(self) -> list[Any]:
        return [m.initial_state() for m in self.held_metrics()]

    def logged_values(self, logs: dict[str, Any]) -> dict[str, Any]:
        """What fit and evaluate report of a step's ``logs``: Python floats in the model's metric
        order (compiled functions may return dicts sorted)."""
        return {key: float(ops.to_numpy(logs[key])) for key in self.metric_names() if key in logs}

    def metric_names(self) -> list[str]:
        """The logged names, by Keras's rule: ``output_`` prefixes with several outputs, repeated names
        numbered (``acc``, ``acc_1``), and a weighted metric named plainly unless an unweighted one
        already has its name (then ``weighted_``)."""
        multi = len(self.config.output_names) > 1
        counts: dict[str, int] = {}

        def numbered(name: str) -> str:
            index = counts.get(name, 0)
            counts[name] = index + 1
            return name if index == 0 else f"{name}_{index}"

        names = [tracker.name for tracker in self._loss_trackers()]
        for output, group in zip(self.config.output_names, self.config.metrics):
            names += [numbered(f"{output}_{m.name}" if multi else m.name) for m in group]
        for output, group in zip(self.config.output_names, self.config.weighted_metrics):
            for metric in group:
                name = f"{output}_{metric.name}" if multi else metric.name
                if name in counts:
                    name = f"{output}_weighted_{metric.name}" if multi else f"weighted_{metric.name}"
                names.append(numbered(name))
        return names

    def sync(self, state: State) -> None:
        """Writes the state's values into the model's variables."""
        for variable, value in zip(self.trainable, state.trainable):
            variable.replace_value(value)
        self.sync_non_trainable(state.non_trainable)
        self.optimizer_state = state.optimizer_state

    def sync_non_trainable(self, values: list[Any]) -> None:
        """Writes non-trainable values (random-generator states advanced by evaluation) back."""
        for variable, value in zip(self.non_trainable, values):
            variable.replace_value(value)

    def apply_learning_rate_change(self, state: State) -> State:
        """Moves a learning rate set on the optimizer object (by a callback) into the state."""
        optimizer = self.config.optimizer
        if optimizer.configured_learning_rate == self._applied_learning_rate:
            return state
        self._applied_learning_rate = optimizer.configured_learning_rate
        return state._replace(optimizer_state=optimizer.with_learning_rate(state.optimizer_state,
                                                                          optimizer.configured_learning_rate))

    def _forward(self, trainable: list[Any], non_trainable: list[Any], x: Any, training: bool) -> Any:
        with swapped_values(self.trainable, trainable), swapped_values(self.non_trainable, non_trainable):
            with collecting_losses() as extra_losses:
                y_pred = self.model(x, training=training)
            new_non_trainable = [v.value for v in self.non_trainable]
        return y_pred, new_non_trainable, extra_losses

    def _losses(self, y: Any, y_pred: Any, sample_weight: Any) -> tuple[Any, list[Any]]:
        if not self.config.losses:
            return None, []
        targets = self._targets(y)
        predictions = self._flat_outputs(y_pred)
        weights = flatten(sample_weight) if sample_weight is not None else [None]
        per_output = []
        total = None
        for index, (loss, weight, target, prediction) in enumerate(
                zip(self.config.losses, self.config.weights, targets, predictions)):
            output_weight = weights[index] if len(weights) > index else weights[0]
            if ops.dtype(prediction) in ("float16", "bfloat16"):
                prediction = ops.cast(prediction, "float32")  # losses of mixed-precision models in float32
            value = loss(target, prediction, sample_weight=output_weight)
            per_output.append(value)
            weighted = ops.multiply(value, weight) if weight != 1.0 else value
            total = weighted if total is None else ops.add(total, weighted)
        return total, per_output

    def _objective(self, total: Any, trainable: list[Any], extra_losses: list[Any]) -> Any:
        """The compiled loss plus weight penalties and what layers added with add_loss."""
        terms = [] if total is None else [total]
        terms += [v.regularizer(value) for v, value in zip(self.trainable, trainable) if v.regularizer]
        terms += [ops.sum(term) for term in extra_losses]
        if not terms:
            raise OneirosError(f"Model {self.model.name!r} has nothing to minimise: it was compiled without a loss "
                               "and added none with add_loss(); pass loss=... to compile().")
        objective = terms[0]
        for term in terms[1:]:
            objective = ops.add(objective, term)
        return objective

    def _step_loss(self, trainable: list[Any], non_trainable: list[Any], x: Any, y: Any, y_pred: Any,
                   sample_weight: Any, extra_losses: list[Any], training: bool) -> tuple[Any, list[Any], list[Any]]:
        """``(objective, per_output_losses, non_trainable)`` of a step whose forward pass gave
        ``y_pred`` and ``extra_losses``. A model's own ``compute_loss`` runs as Keras runs it: with the
        variables at the step's values and ``model.losses`` giving the forward pass's ``add_loss``
        terms, then the weights' penalties; what it changes (a sublayer called in training mode)
        comes back in ``non_trainable``; it gives no per-output losses."""
        if not self.own_compute_loss:
            total, per_output = self._losses(y, y_pred, sample_weight)
            return self._objective(total, trainable, extra_losses), per_output, non_trainable
        penalties = [v.regularizer(value) for v, value in zip(self.trainable, trainable) if v.regularizer]
        with swapped_values(self.trainable, trainable), swapped_values(self.non_trainable, non_trainable), \
                losses_overridden(self.model, list(extra_losses) + penalties):
            objective = call_compute_loss(self.model, x, y, y_pred, sample_weight, training)
            new_non_trainable = [v.value for v in self.non_trainable]
        return objective, [], new_non_trainable

    def _update_metrics(self, metric_states: list[Any], total: Any, per_output: list[Any], y: Any,
                        y_pred: Any, sample_weight: Any, batch_size: int) -> tuple[list[Any], dict[str, Any]]:
        trackers = self._loss_trackers()
        new_states = []
        loss_values = [total] + (per_output if len(trackers) > 1 else [])
        for index, (tracker, state) in enumerate(zip(trackers, metric_states)):
            # without per-output losses (an own compute_loss) the per-output trackers keep their state
            new_states.append(tracker.update(state, loss_values[index], sample_weight=float(batch_size))
                              if index < len(loss_values) else state)
        new_states += self.update_compiled_metrics(metric_states[len(trackers):], y, y_pred, sample_weight)
        metrics = trackers + self._all_metrics()
        logs = {name: metric.compute(state) for name, metric, state in zip(self.metric_names(), metrics, new_states)}
        return new_states, logs

    def update_compiled_metrics(self, states: list[Any], y: Any, y_pred: Any, sample_weight: Any) -> list[Any]:
        """The states of the compiled metrics (``states`` in the order of :meth:`_all_metrics`) after
        this batch, each metric following its output (and its weights, for weighted metrics)."""
        targets = self._targets(y) if states else []  # y may be None without metrics
        predictions = self._flat_outputs(y_pred)
        weights = flatten(sample_weight) if sample_weight is not None else [None]
        new_states = []
        for groups, weighted in ((self.config.metrics, False), (self.config.weighted_metrics, True)):
            for index, group in enumerate(groups):
                output_weight = (weights[index] if len(weights) > index else weights[0]) if weighted else None
                for metric in group:
                    new_states.append(metric.update(states[len(new_states)], targets[index], predictions[index],
                                                    sample_weight=output_weight))
        return new_states

    def train_step(self, state: State, batch: Any) -> tuple[State, dict[str, Any]]:
        trainable, non_trainable, optimizer_state, metric_states = state
        x, y, sample_weight = batch
        batch_size = int(ops.shape(flatten(x)[0])[0])

        def loss_fn(trainable_values: list[Any]) -> Any:
            y_pred, new_non_trainable, extra_losses = self._forward(trainable_values, non_trainable, x, True)
            objective, per_output, new_non_trainable = self._step_loss(
                trainable_values, new_non_trainable, x, y, y_pred, sample_weight, extra_losses, True)
            scaled = self.config.optimizer.scale_loss(objective, optimizer_state)
            return scaled, (objective, y_pred, new_non_trainable, per_output)

        (_, (objective, y_pred, new_non_trainable, per_output)), grads = self.backend.value_and_grad(
            loss_fn, has_aux=True)(trainable)
        new_trainable, new_optimizer_state = self.config.optimizer.apply(grads, trainable, optimizer_state)
        new_trainable = [v.constraint(value) if v.constraint is not None else value
                         for v, value in zip(self.trainable, new_trainable)]
        new_metric_states, logs = self._update_metrics(metric_states, objective, per_output, y, y_pred,
                                                       sample_weight, batch_size)
        return State(new_trainable, new_non_trainable, new_optimizer_state, new_metric_states), logs

    def test_step(self, state: State, batch: Any) -> tuple[list[Any], list[Any], dict[str, Any]]:
        trainable, non_trainable, _, metric_states = state
        x, y, sample_weight = batch
        batch_size = int(ops.shape(flatten(x)[0])[0])
        y_pred, new_non_trainable, extra_losses = self._forward(trainable, non_trainable, x, False)
        objective, per_output, new_non_trainable = self._step_loss(
            trainable, new_non_trainable, x, y, y_pred, sample_weight, extra_losses, False)
        new_metric_states, logs = self._update_metrics(metric_states, objective, per_output, y, y_pred,
                                                       sample_weight, batch_size)
        return new_non_trainable, new_metric_states, logs

    def train_function(self, steps: int) -> Any:
        """The function running ``steps`` training steps per call (batches stacked): compiled, or
        plain Python calls when the model runs eagerly (see :mod:`oneiros.models._execution`)."""
        key = (steps, runs_eagerly(self.model))
        if key not in self._train_functions:
            self._train_functions[key] = compiled(self.model, self.backend,
                                                  fused(self.model, self.backend, self.train_step, steps),
                                                  donate_argnums=(0,))
        return self._train_functions[key]

    def test_function(self, steps: int = 1) -> Any:
        """The function running ``steps`` evaluation steps per call (batches stacked), compiled
        unless the model runs eagerly, returning ``((non_trainable, metric_states), logs)``."""
        key = (steps, runs_eagerly(self.model))
        if key not in self._test_functions:
            def step(state: State, batch: Any) -> tuple[State, dict[str, Any]]:
                non_trainable, metric_states, logs = self.test_step(state, batch)
                return state._replace(non_trainable=non_trainable, metric_states=metric_states), logs

            steps_in_one_call = fused(self.model, self.backend, step, steps)

            def run(state: State, batch: Any) -> tuple[tuple[list[Any], list[Any]], dict[str, Any]]:
                state, logs = steps_in_one_call(state, batch)
                return (state.non_trainable, state.metric_states), logs

            self._test_functions[key] = compiled(self.model, self.backend, run)
        return self._test_functions[key]

    def evaluation_state(self) -> State:
        """The variables' current values and fresh metric states (no optimizer state)."""
        return self.state_from_variables(None, self.initial_metric_states())

