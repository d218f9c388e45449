"""Keras 3 ``Model`` members that ported code touches beyond compile/fit/evaluate/predict.

``Model`` inherits them from :class:`KerasModelMembers`. Oneiros's compiled metrics are pure
(their states travel through the compiled steps), so at the end of ``fit``, ``evaluate``,
``train_on_batch`` and ``test_on_batch`` the trainer hands the latest states to the metric
objects (:func:`keep_metric_states`); ``model.metrics`` then lists them as Keras 3.15 does: the
``"loss"`` tracker, a ``"compile_metrics"`` wrapper holding the compiled metrics, then one
``"<output>_loss"`` tracker per output of a multi-output model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from oneiros.metrics._base import Metric
from oneiros.models._step_members import KerasStepMembers

if TYPE_CHECKING:
    from oneiros.models.model import Model
    from oneiros.variables import Variable

STEP_FUNCTIONS_ADVICE = (
    "Oneiros compiles its train, test and predict steps inside fit, evaluate and predict (with "
    "run_eagerly, jit_compile and steps_per_execution choosing how), and exposes no step function. For a loop "
    "of your own, use model.stateless_call(trainable, non_trainable, x) with model.compute_loss and "
    "oi.ops gradients, or train_on_batch / test_on_batch / predict_on_batch.")
STATE_TREE_PARTS = ("trainable_variables", "non_trainable_variables", "optimizer_variables", "metrics_variables")


def hold_state(metric: Metric, state: Any) -> None:
    """Makes ``state`` the metric's accumulated state (a Keras-style metric keeps it in its variables)."""
    if metric._variables:
        for variable in metric._variables:
            variable.replace_value(state[variable.name])
    else:
        metric.state = state


def held_state(metric: Metric) -> dict[str, Any]:
    """The metric's accumulated state, in the order of its entries (compiled steps sort them)."""
    if metric._variables:
        return {variable.name: variable.value for variable in metric._variables}
    initial = metric.initial_state()
    return initial if metric.state is None else {key: metric.state[key] for key in initial}


def state_variables(metric: Metric) -> list[Variable]:
    """The metric's held state as non-trainable variables with Keras's paths (``loss/total``): a snapshot."""
    return metric._snapshot(held_state(metric))


def keep_metric_states(trainer: Any, metric_states: list[Any]) -> None:
    """The trainer's latest metric states, handed to its metric objects (``Trainer.held_metrics``)."""
    for metric, state in zip(trainer.held_metrics(), metric_states):
        hold_state(metric, state)


class CompileMetrics(Metric):
    """Keras 3's ``compile_metrics``: one metric whose result is the dict of the compiled metrics'
    results under their logged names."""

    def __init__(self, metrics: list[Metric], names: list[str], trainer: Any = None):
        super().__init__(name="compile_metrics")
        self.metrics = list(metrics)
        self.names = list(names)
        self.trainer = trainer
        """Knows which output (and weights) each metric follows; None before the first batch."""

    @property
    def variables(self) -> list[Variable]:
        return [variable for metric in self.metrics for variable in state_variables(metric)]

    def _split(self, metric_variables: Any, method: str) -> list[dict[str, Any]]:
        """Each metric's state from the flat values of :attr:`variables`."""
        sizes = [len(metric._state_keys()) for metric in self.metrics]
        if isinstance(metric_variables, dict) or len(metric_variables) != sum(sizes):
            raise ValueError(f"compile_metrics.{method}: expected a list of {sum(sizes)} values (metrics "
                             f"{self.names} hold {sizes}); received {type(metric_variables).__name__} of "
                             f"{len(metric_variables)}.")
        states, start = [], 0
        for metric, size in zip(self.metrics, sizes):
            states.append(metric._packed(metric_variables[start:start + size], method))
            start += size
        return states

    def stateless_update_state(self, metric_variables: Any, y_true: Any, y_pred: Any,
                               sample_weight: Any = None) -> list[Any]:
        if self.trainer is None:
            raise RuntimeError("compile_metrics: the model has not seen data yet, so which output each compiled "
                               "metric follows is unknown; fit, evaluate or compute_loss first.")
        states = self.trainer.update_compiled_metrics(self._split(metric_variables, "stateless_update_state"),
                                                      y_true, y_pred, sample_weight)
        return [state[key] for metric, state in zip(self.metrics, states) for key in metric._state_keys()]

    def stateless_result(self, metric_variables: Any) -> dict[str, Any]:
        states = self._split(metric_variables, "stateless_result")
        return {name: metric.compute(state) for name, metric, state in zip(self.names, self.metrics, states)}

    def stateless_reset_state(self) -> list[Any]:
        return [value for metric in self.metrics for value in metric.stateless_reset_state()]

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        states = self.stateless_update_state([v.value for v in self.variables], y_true, y_pred, sample_weight)
        for metric, state in zip(self.metrics, self._split(states, "update_state")):
            hold_state(metric, state)

    def result(self) -> dict[str, Any]:
        return {name: metric.result() for name, metric in zip(self.names, self.metrics)}

    def reset_state(self) -> None:
        for metric in self.metrics:
            metric.reset_state()


class KerasModelMembers(KerasStepMembers):
    """Mixin of :class:`~oneiros.models.Model`: Keras 3 members over Oneiros's compile and trainer."""

    def _resolved_trainer(self: Model) -> Any:
        """The trainer once the first batch (or compute_loss) has fixed the outputs and metrics."""
        trainer = self.__dict__.get("_trainer")
        return trainer if trainer is not None and trainer.config.output_names else None

    @property
    def metrics(self: Model) -> list[Metric]:
        """Keras 3.15's list: the ``"loss"`` tracker, ``"compile_metrics"`` (when compile was given
        metrics), the per-output loss trackers of a multi-output model (these three only once
        compiled), then the metrics the model and its layers hold as attributes. After
        ``fit``/``evaluate`` the compiled ones hold their states at the end of that call."""
        from oneiros.metrics._reduction import Mean

        tracked = self._attribute_metrics() + [metric for layer in self._sublayers
                                               if not isinstance(layer, KerasModelMembers)  # a model's own are its
                                               for metric in layer.metrics]
        if self.compiled is None:
            return tracked
        trainer = self._resolved_trainer()
        if trainer is None:
            asked = self.compiled.metric_spec or self.compiled.weighted_metric_spec
            return [Mean(name="loss")] + ([CompileMetrics([], [])] if asked else []) + tracked
        trackers = trainer._loss_trackers()
        compiled = trainer._all_metrics()
        names = trainer.metric_names()[len(trackers):]
        wrapper = [CompileMetrics(compiled, names, trainer)] if compiled else []
        return [trackers[0]] + wrapper + trackers[1:] + tracked

    @property
    def metrics_names(self) -> list[str]:
        return [metric.name for metric in self.metrics]

    @property
    def metrics_variables(self) -> list[Variable]:
        """The metrics' states as (non-trainable) variables named ``<metric>/<entry>``, a snapshot."""
        return [variable for metric in _leaf_metrics(self.metrics) for variable in state_variables(metric)]

    def reset_metrics(self) -> None:
        for metric in self.metrics:
            metric.reset_state()

    def get_metrics_result(self) -> dict[str, Any]:
        """``{name: value}`` of every metric in :attr:`metrics` (compile_metrics spread out)."""
        results: dict[str, Any] = {}
        for metric in self.metrics:
            value = metric.result()
            if isinstance(value, dict):
                results.update(value)
            else:
                results[metric.name] = value
        return results

    @property
    def loss(self: Model) -> Any:
        """The ``loss`` given to compile (None before compile)."""
        return None if self.compiled is None else self.compiled.loss_spec

    @property
    def steps_per_execution(self: Model) -> int | str:
        """Batches per compiled call: compile's value (``"auto"`` measures), 1 before compile."""
        return 1 if self.compiled is None else self.compiled.steps_per_execution

    @steps_per_execution.setter
    def steps_per_execution(self: Model, value: int | str) -> None:
        from oneiros.models._pipeline import AUTO

        if self.compiled is None:
            raise RuntimeError(f"Model {self.name!r}: compile the model before setting steps_per_execution.")
        if value != AUTO and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            raise ValueError(f"steps_per_execution must be 'auto' or an int >= 1; received {value!r}.")
        self.compiled.steps_per_execution = value

    def get_compile_config(self: Model) -> dict[str, Any] | None:
        """What ``compile`` received, serialized (None before compile); see :meth:`compile_from_config`."""
        from oneiros.saving import _compile_config

        return _compile_config(self)

    def compile_from_config(self: Model, config: dict[str, Any]) -> None:
        """Compiles the model from :meth:`get_compile_config`'s result (names and configs are
        looked up in the registries and custom objects, never imported)."""
        from oneiros.saving import _compile_from_config

        if not isinstance(config, dict) or "optimizer" not in config:
            raise ValueError(f"compile_from_config expects the dict get_compile_config() returns; received {config!r}.")
        _compile_from_config(self, config, safe_mode=True)

    def get_build_config(self: Model) -> dict[str, Any] | None:
        """``{"input_shape": ...}``: the model's input shape(s) (with the batch size None for a
        functional or Sequential model), or those of the first call that built it."""
        if not self.built:
            return None
        inputs = getattr(self, "_input_layer", None)
        if inputs is not None:
            return {"input_shape": (inputs.batch_size, *inputs.shape)}
        symbolic = self.__dict__.get("_flat_inputs")
        if symbolic:
            shapes = [tuple(tensor.shape) for tensor in symbolic]
            return {"input_shape": shapes[0] if len(shapes) == 1 else shapes}
        return super().get_build_config()

    def build_from_config(self: Model, config: dict[str, Any] | None) -> None:
        """Builds from :meth:`get_build_config`'s result: a subclassed model without a ``build``
        of its own is called once on zeros of that shape (batch size 1 where None)."""
        from oneiros.layers._keras_members import _as_shape
        from oneiros.layers.layer import Layer

        if not config or self.built:
            return
        if type(self).build is Layer.build:
            shape = _as_shape(config["input_shape"])
            dtypes = [self.input_dtype] * len(shape) if isinstance(shape, list) else self.input_dtype
            self.build_from_record({"shapes": shape, "dtypes": dtypes})
        else:
            super().build_from_config(config)

    def _trainer_for_losses(self: Model, y: Any, y_pred: Any) -> Any:
        """The trainer with the losses and metrics resolved for these targets and predictions."""
        from oneiros.layers._symbolic import flatten
        from oneiros.models._trainer import _output_names, _shape

        trainer = self._get_trainer()
        if not trainer.config.output_names or (trainer.config.loss_spec is not None and not trainer.config.losses):
            predictions = flatten(y_pred)
            names = _output_names(self, len(predictions))
            trainer.config.output_names = names
            targets = trainer._targets(y)
            trainer.config.resolve_outputs(names, [_shape(t) for t in targets], [_shape(p) for p in predictions])
        return trainer

    def compute_metrics(self: Model, x: Any, y: Any, y_pred: Any, sample_weight: Any = None) -> dict[str, Any]:
        """Updates the compiled metrics with this batch and returns :meth:`get_metrics_result`
        (the loss trackers are left alone, as in Keras)."""
        del x
        if self.compiled is None:
            raise RuntimeError(f"Model {self.name!r} must be compiled before compute_metrics.")
        trainer = self._trainer_for_losses(y, y_pred)
        compiled = trainer._all_metrics()
        states = trainer.update_compiled_metrics([held_state(metric) for metric in compiled], y, y_pred,
                                                 sample_weight)
        for metric, state in zip(compiled, states):
            hold_state(metric, state)
        return self.get_metrics_result()

    def get_state_tree(self: Model, value_format: str = "backend_tensor") -> dict[str, dict[str, Any]]:
        """The model's state as nested dicts keyed by Keras's variable paths (the owning layer's
        :attr:`path`, then the variable's name: ``{"sequential": {"dense": {"kernel": ...}}}``):
        ``trainable_variables``, ``non_trainable_variables``, ``optimizer_variables`` (the
        optimizer state under the optimizer's name) and ``metrics_variables``; values as backend
        tensors or, with ``value_format="numpy_array"``, numpy arrays."""
        from oneiros import ops
        from oneiros.saving import _flatten_state

        if value_format not in ("backend_tensor", "numpy_array"):
            raise ValueError(f"value_format must be 'backend_tensor' or 'numpy_array'; received {value_format!r}.")
        convert = ops.to_numpy if value_format == "numpy_array" else (lambda value: value)
        paths = keras_variable_paths(self)
        optimizer_state = self._optimizer_state()
        prefix = f"{self.optimizer.name}/" if self.compiled is not None else ""
        flat = {
            "trainable_variables": {paths[id(v)]: convert(v.value) for v in self.trainable_variables},
            "non_trainable_variables": {paths[id(v)]: convert(v.value) for v in self.non_trainable_variables},
            "optimizer_variables": ({} if optimizer_state is None else
                                    {key: value if value_format == "numpy_array" else ops.convert_to_tensor(value)
                                     for key, value in _flatten_state(optimizer_state, prefix).items()}),
            "metrics_variables": {v.path: convert(v.value) for v in self.metrics_variables},
        }
        return {part: _nested(entries) for part, entries in flat.items()}

    def _optimizer_state(self: Model) -> Any:
        trainer = self.__dict__.get("_trainer")
        state = getattr(trainer, "optimizer_state", None)
        return state if state is not None else self.__dict__.get("_pending_optimizer_state")

    def set_state_tree(self: Model, state_tree: dict[str, dict[str, Any]]) -> None:
        """Assigns the values of a tree shaped like :meth:`get_state_tree`'s (any of its parts);
        every path and shape is checked before anything is assigned."""
        if not isinstance(state_tree, dict) or set(state_tree) - set(STATE_TREE_PARTS):
            raise ValueError(f"set_state_tree expects a dict with keys among {list(STATE_TREE_PARTS)}; received "
                             f"{list(state_tree) if isinstance(state_tree, dict) else type(state_tree).__name__}.")
        paths = keras_variable_paths(self)
        assignments = []
        for part, variables in (("trainable_variables", self.trainable_variables),
                                ("non_trainable_variables", self.non_trainable_variables)):
            if part in state_tree:
                assignments += _matched(part, [(paths[id(v)], v) for v in variables], _flat(state_tree[part]))
        optimizer_state = None
        if state_tree.get("optimizer_variables"):
            optimizer_state = self._optimizer_state_from_tree(state_tree["optimizer_variables"])
        metric_values = _flat(state_tree.get("metrics_variables") or {})
        metric_states = []
        for metric in _leaf_metrics(self.metrics) if metric_values else []:
            state = dict(held_state(metric))
            for key in state:
                path = f"{metric.name}/{key}"
                if path not in metric_values:
                    raise ValueError(f"set_state_tree: metrics_variables lacks {path!r}; it holds "
                                     f"{sorted(metric_values)}.")
                state[key] = metric_values[path]
            metric_states.append((metric, state))
        for variable, value in assignments:
            variable.assign(value)
        if optimizer_state is not None:
            trainer = self.__dict__.get("_trainer")
            if trainer is not None and trainer.optimizer_state is not None:
                trainer.optimizer_state = optimizer_state
            else:
                self.__dict__["_pending_optimizer_state"] = optimizer_state
        for metric, state in metric_states:
            hold_state(metric, state)

    def _optimizer_state_from_tree(self: Model, tree: dict[str, Any]) -> Any:
        from oneiros.saving import OPTIMIZER_PREFIX, _optimizer_state_from

        if self.compiled is None or set(tree) != {self.optimizer.name}:
            raise ValueError(f"set_state_tree: optimizer_variables must hold one entry named after the model's "
                             f"optimizer ({None if self.compiled is None else self.optimizer.name!r}); received "
                             f"{sorted(tree)}.")
        stored = {OPTIMIZER_PREFIX + key: value for key, value in _flat(tree[self.optimizer.name]).items()}
        return _optimizer_state_from(self, stored)

    def make_train_function(self, force: bool = False) -> Any:
        raise NotImplementedError(f"make_train_function: {STEP_FUNCTIONS_ADVICE}")

    def make_test_function(self, force: bool = False) -> Any:
        raise NotImplementedError(f"make_test_function: {STEP_FUNCTIONS_ADVICE}")

    def make_predict_function(self, force: bool = False) -> Any:
        raise NotImplementedError(f"make_predict_function: {STEP_FUNCTIONS_ADVICE}")

    @property
    def train_function(self) -> None:
        """Always None (Keras's value before a step function is made): see :meth:`make_train_function`."""
        return None

    @property
    def test_function(self) -> None:
        """Always None: see :meth:`make_test_function`."""
        return None

    @property
    def predict_function(self) -> None:
        """Always None: see :meth:`make_predict_function`."""
        return None


def _leaf_metrics(metrics: list[Metric]) -> list[Metric]:
    return [inner for metric in metrics
            for inner in (metric.metrics if isinstance(metric, CompileMetrics) else [metric])]


def _nested(flat: dict[str, Any]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for path, value in flat.items():
        *parents, leaf = path.split("/")
        node = tree
        for name in parents:
            node = node.setdefault(name, {})
        node[leaf] = value
    return tree


def _flat(tree: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(tree, dict):
        return {prefix.rstrip("/"): tree}
    return {key: value for name, sub in tree.items() for key, value in _flat(sub, f"{prefix}{name}/").items()}


def keras_variable_paths(model: Model) -> dict[int, str]:
    """``id(variable) -> path`` as Keras names variables: the owning layer's path, then the name."""
    paths: dict[int, str] = {}
    for layer in model._all_layers():
        for variable in layer._own_variables:
            paths.setdefault(id(variable), f"{layer.path}/{variable.name}")
    return paths


def _matched(part: str, variables: list[tuple[str, Variable]], values: dict[str, Any]) -> list[tuple[Variable, Any]]:
    """``(variable, value)`` for every ``(path, variable)`` of ``part`` that ``values`` names,
    after checking that every path is known and every shape right."""
    unknown = sorted(set(values) - {path for path, _ in variables})
    if unknown:
        raise ValueError(f"set_state_tree: {part} names {unknown}, which the model does not have; it has "
                         f"{sorted(path for path, _ in variables)}.")
    pairs = []
    for path, variable in variables:
        if path in values:
            value = values[path]
            if tuple(getattr(value, "shape", ())) != variable.shape:
                raise ValueError(f"set_state_tree: {part} {path!r} has shape {variable.shape}; received "
                                 f"{tuple(getattr(value, 'shape', ()))}.")
            pairs.append((variable, value))
    return pairs
