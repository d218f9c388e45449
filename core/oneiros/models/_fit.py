"""The loops of fit, evaluate and predict around the compiled steps."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import numpy as np

from oneiros import ops, tree
from oneiros.arguments import positive_int
from oneiros.callbacks._base import CallbackList
from oneiros.callbacks._history import History
from oneiros.callbacks._progbar import ProgbarLogger
from oneiros.data._finite import check_finite as check_finite_arrays, finite_check_mode
from oneiros.data.adapters import ArrayAdapter, DataError, DatasetAdapter, adapter_for
from oneiros.data._structure import leaves, map_arrays
from oneiros.distribution import current as current_distribution
from oneiros.layers._symbolic import flatten
from oneiros.models._interrupts import StepGuard
from oneiros.models._choices import choice_key
from oneiros.models._execution import prefetch_depth, requested_steps, requested_training_steps, takes_text
from oneiros.models._keras_members import keep_metric_states
from oneiros.models._limits import capped_epochs, capped_steps
from oneiros.models._pipeline import AUTO, choose_prediction_steps, choose_steps_per_execution, prefetched
from oneiros.models._target_checks import check_targets

if TYPE_CHECKING:
    from oneiros.models.model import Model

DEFAULT_BATCH_SIZE = 32


def _verbosity(verbose: Any) -> int:
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2):
        raise ValueError(f"verbose must be 'auto', 0, 1 or 2; received {verbose!r}.")
    return int(verbose)


def _check_against_model(model: Model, x: Any) -> None:
    """Refuses inputs whose feature sizes contradict the model's declared inputs, before any step."""
    declared = []
    flat_inputs = getattr(model, "_flat_inputs", None)
    input_shape = getattr(model, "input_shape", None)
    if flat_inputs is not None:
        declared = [(name, tensor.shape) for name, tensor in zip(getattr(model, "input_names"), flat_inputs)]
    elif input_shape is not None:
        declared = [("x", input_shape)]
    given = leaves(x, "x")
    if not declared or len(declared) != len(given):
        return
    for (name, expected), (path, array) in zip(declared, given):
        shape = tuple(array.shape)
        mismatch = len(shape) != len(expected) or any(
            e is not None and e != g for e, g in zip(expected[1:], shape[1:]))
        if mismatch:
            raise DataError(f"{path} has shape {shape}; model {model.name!r} expects input {name!r} of shape "
                            f"{tuple(expected)} (None = any size).")


def _make_adapter(model: Model, x: Any, y: Any, **options: Any) -> Any:
    if takes_text(model):
        options["text_inputs"] = True
    adapter = adapter_for(x, y, **options)
    if isinstance(adapter, ArrayAdapter):
        _check_against_model(model, adapter.x)
    return adapter


def _callback(spec: Any) -> Any:
    """A callback as given, or built from a registered name or ``{"class_name": ..., "config": {...}}``
    (as optimizers are), so a plugin's registered callbacks are usable by name."""
    from oneiros import callbacks

    if isinstance(spec, str):
        return callbacks.get(spec)()
    if isinstance(spec, dict) and isinstance(spec.get("class_name"), str) and set(spec) <= {"class_name", "config"}:
        config = spec.get("config") or {}
        if not isinstance(config, dict):
            raise TypeError(f"The config of callback {spec['class_name']!r} must be a dict of arguments; received "
                            f"{type(config).__name__} {config!r}.")
        return callbacks.get(spec["class_name"])(**config)
    return spec


def _callbacks(model: Model, callbacks: Any, verbose: int, params: dict[str, Any],
               history: History | None = None) -> CallbackList:
    chosen = [_callback(spec) for spec in callbacks or []]
    if history is not None:
        chosen.append(history)
    if verbose and not any(isinstance(c, ProgbarLogger) for c in chosen):
        chosen.append(ProgbarLogger(verbose=verbose, stream=sys.stdout))
    return CallbackList(chosen, model, params)


def _first_batch(adapter: Any) -> Any:
    return next(iter(adapter.batches(0)))


def _peek(adapter: Any) -> Any:
    """The first batch of data that can be read again without side effects (arrays, datasets),
    else None (an array adapter with steps_per_epoch advances through its data as it is read)."""
    rereadable = ((isinstance(adapter, DatasetAdapter) and getattr(adapter.dataset, "rereadable", False))
                  or (isinstance(adapter, ArrayAdapter) and adapter.steps is None))
    if not rereadable or not adapter.num_batches:
        return None
    return next(iter(adapter.batches(0)), None)


def fit(model: Model, *, x: Any, y: Any, batch_size: int | None, epochs: int, verbose: Any, callbacks: Any,
        validation_split: float, validation_data: Any, shuffle: bool, class_weight: Any, sample_weight: Any,
        initial_epoch: int, steps_per_epoch: int | None, validation_steps: int | None,
        validation_batch_size: int | None, validation_freq: int, check_finite: bool | None = None) -> History:
    trainer = model._get_trainer()
    trainer.require_training()
    if not isinstance(epochs, int) or epochs < 0 or initial_epoch < 0:
        raise ValueError(f"epochs and initial_epoch must be non-negative ints; received {epochs!r}, "
                         f"{initial_epoch!r}.")
    verbose = _verbosity(verbose)
    _check_counts("fit", batch_size=batch_size, steps_per_epoch=steps_per_epoch, validation_steps=validation_steps,
                  validation_batch_size=validation_batch_size)
    epochs, steps_per_epoch = capped_epochs(epochs), capped_steps(steps_per_epoch)
    positive_int("fit", "validation_freq", validation_freq)
    finite_mode = finite_check_mode(check_finite)
    adapter = _make_adapter(model, x, y, sample_weight=sample_weight, batch_size=batch_size or DEFAULT_BATCH_SIZE,
                            shuffle=shuffle, class_weight=class_weight, steps=steps_per_epoch)
    if isinstance(adapter, ArrayAdapter):
        for part, name in ((adapter.x, "x"), (adapter.y, "y"), (adapter.sample_weight, "sample_weight")):
            check_finite_arrays(part, name, finite_mode)
    validation = None
    if validation_split:
        if not isinstance(adapter, ArrayAdapter):
            raise DataError("validation_split needs array inputs; pass validation_data for generators "
                            "and datasets.")
        adapter, validation = adapter.split(validation_split)
    elif validation_data is not None:
        validation = _validation_adapter(model, validation_data, validation_batch_size or batch_size,
                                         validation_steps)
    params = {"epochs": epochs, "steps": adapter.num_batches, "verbose": verbose, "mode": "fit"}
    history = History()
    callback_list = _callbacks(model, callbacks, verbose, params, history)
    sync_every_batch = callback_list.needs_weights_per_batch()
    distribution = current_distribution()
    search = None
    requested = requested_training_steps(model, trainer.backend, trainer.config.steps_per_execution,
                                         sync_every_batch)
    if requested == AUTO and distribution is None and not sync_every_batch:
        search = trainer.fusion_search
        first = _peek(adapter)
        if first is not None:
            _prepare(trainer, first, 1, adapter)
            search.recall(choice_key(model, "train", first, trainer.backend, trainer.config), first)
        spe = search.current
    else:
        spe = trainer.training_steps.resolve(requested,
                                             lambda: choose_steps_per_execution(trainer, adapter, sync_every_batch))
    params["steps_per_execution"] = spe
    model.stop_training = False
    model.resume_from_epoch = None
    callback_list.call("on_train_begin", None)
    if model.resume_from_epoch is not None:
        initial_epoch = max(initial_epoch, model.resume_from_epoch)
    if search is not None:
        search.begin(None if adapter.num_batches is None else adapter.num_batches * (epochs - initial_epoch))
    state = None
    epoch_logs: dict[str, float] = {}
    depth = prefetch_depth(model, trainer.backend) if distribution is None else 0
    with StepGuard() as guard:
        try:
            for epoch in range(initial_epoch, epochs):
                callback_list.call("on_epoch_begin", epoch, None)
                if state is not None and callback_list.wants("on_epoch_begin"):
                    state = _with_synced_variables(trainer, state)
                step = 0
                logs: dict[str, Any] = {}
                groups = adapter.stacked_batches(epoch, spe) if search is None else search.groups(adapter, epoch)
                for batch, count in prefetched(groups, trainer.backend.to_device, depth):
                    if state is None:
                        _prepare(trainer, batch, count, adapter)
                        state = trainer.initial_state()
                        if search is not None:
                            search.recall(choice_key(model, "train", batch, trainer.backend, trainer.config), batch)
                    if step == 0:
                        state = _reset_metrics(trainer, state)
                    state = trainer.apply_learning_rate_change(state)
                    if sync_every_batch:
                        callback_list.call("on_train_batch_begin", step, None)
                    if distribution is not None:
                        batch = distribution.distribute_batch(batch, stacked=count > 1)
                    with guard.step():
                        state, logs = (trainer.train_function(count)(state, batch) if search is None
                                       else search.run(state, batch, count))
                    step += count
                    if sync_every_batch:
                        with guard.step():  # device reads too: an interrupt inside JAX's dispatch loses buffers
                            trainer.sync(state)
                            keep_metric_states(trainer, state.metric_states)
                    callback_list.call("on_train_batch_end", step - 1, logs)
                    if model.stop_training:
                        break
                if state is None:
                    raise DataError("The training data produced no batch.")
                with guard.step():
                    trainer.sync(state)
                    keep_metric_states(trainer, state.metric_states)  # before validation, whose states Keras leaves
                    epoch_logs = trainer.logged_values(logs)
                if validation is not None and (epoch + 1) % validation_freq == 0:
                    validation_logs = _evaluate_adapter(model, trainer, validation, verbose=0, callbacks=callback_list)
                    epoch_logs.update({f"val_{key}": value for key, value in validation_logs.items()})
                callback_list.call("on_epoch_end", epoch, epoch_logs)
                state = trainer.apply_learning_rate_change(_with_synced_variables(trainer, state))
                trainer.optimizer_state = state.optimizer_state  # what the next epoch's callbacks see
                if model.stop_training:
                    break
        finally:
            if state is not None:
                trainer.sync(state)
            if epochs > 0 and trainer.prepared:  # Keras's rule: after every fit of at least one epoch
                trainer.config.optimizer.finalize_variable_values(trainer.trainable)
    if search is not None:
        params["steps_per_execution"] = search.current
    callback_list.call("on_train_end", epoch_logs)
    return history


def _check_counts(owner: str, **counts: Any) -> None:
    """Batch sizes and step counts are None or ints >= 1 (0, 2.5, True or "32" refused)."""
    for argument, value in counts.items():
        positive_int(owner, argument, value, optional=True)


def _prepare(trainer: Any, batch: Any, count: int, adapter: Any) -> None:
    """Builds the model on the first call's first batch (of ``count`` stacked ones), then checks
    the adapter's array targets against the compiled losses, before any step."""
    if not trainer.prepared:
        first = batch if count == 1 else map_arrays(lambda a: a[0], batch)
        trainer.prepare(first[0], first[1])
    if isinstance(adapter, ArrayAdapter) and not adapter.targets_checked:
        check_targets(trainer, adapter.y)
        adapter.targets_checked = True


def _with_synced_variables(trainer: Any, state: Any) -> Any:
    """Callbacks may have changed weights (e.g. restoring the best ones) and the optimizer state
    (SwapEMAWeights): take them back."""
    return trainer.state_from_variables(trainer.optimizer_state, state.metric_states)


def _reset_metrics(trainer: Any, state: Any) -> Any:
    return state._replace(metric_states=trainer.initial_metric_states())


def _validation_adapter(model: Model, data: Any, batch_size: int | None, steps: int | None) -> Any:
    if isinstance(data, tuple) and len(data) in (2, 3):
        x, y, sample_weight = (*data, None)[:3]
        return _make_adapter(model, x, y, sample_weight=sample_weight, batch_size=batch_size or DEFAULT_BATCH_SIZE)
    return adapter_for(data, steps=steps)


def _evaluate_adapter(model: Model, trainer: Any, adapter: Any, verbose: int, callbacks: Any) -> dict[str, float]:
    """Evaluates on ``adapter``. ``callbacks``: evaluate's own (a list or None), or the CallbackList of
    the fit being validated, whose test hooks Keras calls during validation too."""
    params = {"steps": adapter.num_batches, "verbose": verbose, "mode": "evaluate"}
    callback_list = callbacks if isinstance(callbacks, CallbackList) else _callbacks(model, callbacks, verbose,
                                                                                     params)
    per_batch_callbacks = callback_list.needs_weights_per_batch()
    spe = trainer.evaluation_steps.resolve(
        requested_steps(model, trainer.backend, trainer.config.steps_per_execution),
        lambda: choose_steps_per_execution(trainer, adapter, per_batch_callbacks, evaluation=True))
    params["steps_per_execution"] = spe
    callback_list.call("on_test_begin", None)
    state = None
    logs: dict[str, Any] = {}
    distribution = current_distribution()
    depth = prefetch_depth(model, trainer.backend) if distribution is None else 0
    step = 0
    for batch, count in prefetched(adapter.stacked_batches(0, spe), trainer.backend.to_device, depth):
        if state is None:
            _prepare(trainer, batch, count, adapter)
            state = trainer.evaluation_state()
        if distribution is not None:
            batch = distribution.distribute_batch(batch, stacked=count > 1)
        callback_list.call("on_test_batch_begin", step, None)
        with StepGuard() as guard, guard.step():
            (non_trainable, metric_states), logs = trainer.test_function(count)(state, batch)
            state = state._replace(non_trainable=non_trainable, metric_states=metric_states)
        step += count
        callback_list.call("on_test_batch_end", step - 1, logs)
    if state is None:
        raise DataError("The evaluation data produced no batch.")
    trainer.sync_non_trainable(state.non_trainable)
    keep_metric_states(trainer, state.metric_states)
    result = trainer.logged_values(logs)
    callback_list.call("on_test_end", result)
    return result


def evaluate(model: Model, *, x: Any, y: Any, batch_size: int | None, verbose: Any, sample_weight: Any,
             steps: int | None, callbacks: Any, return_dict: bool) -> Any:
    trainer = model._get_trainer()
    _check_counts("evaluate", batch_size=batch_size, steps=steps)
    steps = capped_steps(steps)
    adapter = _make_adapter(model, x, y, sample_weight=sample_weight, batch_size=batch_size or DEFAULT_BATCH_SIZE,
                            steps=steps)
    logs = _evaluate_adapter(model, trainer, adapter, _verbosity(verbose), callbacks)
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


def predict(model: Model, x: Any, *, batch_size: int | None, verbose: Any, steps: int | None, callbacks: Any) -> Any:
    from oneiros.models._custom_steps import predictor_for

    verbose = _verbosity(verbose)
    _check_counts("predict", batch_size=batch_size, steps=steps)
    steps = capped_steps(steps)
    adapter = _make_adapter(model, x, None, batch_size=batch_size or DEFAULT_BATCH_SIZE, steps=steps)
    params = {"steps": adapter.num_batches, "verbose": verbose, "mode": "predict"}
    callback_list = _callbacks(model, callbacks, verbose, params)
    predictor = predictor_for(model)
    distribution = current_distribution()
    fetch = ops.to_numpy if distribution is None else distribution.fetch
    requested = model.compiled.steps_per_execution if model.compiled is not None else AUTO
    spe = 1 if distribution is not None or predictor.eager else predictor.steps.resolve(
        requested, lambda: choose_prediction_steps(predictor, adapter))
    params["steps_per_execution"] = spe
    callback_list.call("on_predict_begin", None)
    outputs: list[tuple[list[Any], int]] = []
    structure = None
    depth = prefetch_depth(model, predictor.backend) if distribution is None else 0
    step = 0
    batches = ((batch[0], count) for batch, count in adapter.stacked_batches(0, spe))
    for batch_x, count in prefetched(batches, predictor.backend.to_device, depth):
        callback_list.call("on_predict_batch_begin", step, None)
        if distribution is not None:
            batch_x = _distributed_inputs(model, distribution, batch_x, place_weights=step == 0)
        result = predictor(batch_x) if count == 1 else predictor.stacked(batch_x)
        structure = result if structure is None else structure
        outputs.append((flatten(result), count))  # fetched after the loop, so batches run back to back
        step += count
        callback_list.call("on_predict_batch_end", step - 1, {"outputs": result})
    callback_list.call("on_predict_end", None)
    if structure is None:
        raise DataError("The prediction data produced no batch.")
    merged = [np.concatenate([_unstacked(fetch(part), count) for part, count in zip(parts, counts)])
              for parts, counts in _by_output(outputs)]
    return tree.pack_sequence_as(structure, merged)  # dicts in flatten's sorted order, also when eager


def _by_output(outputs: list[tuple[list[Any], int]]) -> list[tuple[list[Any], list[int]]]:
    """Per model output: its part from every call, and each call's number of stacked batches."""
    counts = [count for _, count in outputs]
    return [(list(parts), counts) for parts in zip(*(flat for flat, _ in outputs))]


def _unstacked(array: np.ndarray, count: int) -> np.ndarray:
    return array.reshape(-1, *array.shape[2:]) if count > 1 else array


def _distributed_inputs(model: Model, distribution: Any, x: Any, place_weights: bool) -> Any:
    """``x`` as a global batch; first moves the model's weights to the distribution's devices."""
    if place_weights:
        if not model.built or not model.variables:
            model(x, training=False)
        model._assign_variable_paths()
        variables = model.variables
        for variable, value in zip(variables, distribution.distribute_weights([v.value for v in variables],
                                                                              variables)):
            variable.replace_value(value)
    return distribution.distribute_batch(x)


def train_on_batch(model: Model, x: Any, y: Any, *, sample_weight: Any, class_weight: Any, return_dict: bool) -> Any:
    trainer = model._get_trainer()
    trainer.require_training()
    adapter = _make_adapter(model, x, y, sample_weight=sample_weight, class_weight=class_weight,
                            batch_size=len(leaves(x)[0][1]))
    batch = _first_batch(adapter)
    _prepare(trainer, batch, 1, adapter)
    state = _reset_metrics(trainer, trainer.initial_state())
    state = trainer.apply_learning_rate_change(state)
    distribution = current_distribution()
    if distribution is not None:
        batch = distribution.distribute_batch(batch)
    state, logs = trainer.train_function(1)(state, batch)
    trainer.sync(state)
    keep_metric_states(trainer, state.metric_states)
    return _batch_result(trainer.logged_values(logs), return_dict)


def test_on_batch(model: Model, x: Any, y: Any, *, sample_weight: Any, return_dict: bool) -> Any:
    trainer = model._get_trainer()
    adapter = _make_adapter(model, x, y, sample_weight=sample_weight, batch_size=len(leaves(x)[0][1]))
    return _batch_result(_evaluate_adapter(model, trainer, adapter, verbose=0, callbacks=None), return_dict)


def _batch_result(values: dict[str, float], return_dict: bool) -> Any:
    if return_dict:
        return values
    return list(values.values()) if len(values) > 1 else next(iter(values.values()))


def predict_on_batch(model: Model, x: Any) -> Any:
    from oneiros.models._custom_steps import predictor_for

    adapter = _make_adapter(model, x, None, batch_size=len(leaves(x)[0][1]))
    batch_x = _first_batch(adapter)[0]
    distribution = current_distribution()
    if distribution is None:
        return map_arrays(ops.to_numpy, predictor_for(model)(batch_x))
    result = predictor_for(model)(_distributed_inputs(model, distribution, batch_x, place_weights=True))
    return map_arrays(distribution.fetch, result)
