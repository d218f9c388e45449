"""Keras 3's JAX-style step members of ``Model``: ``train_step(state, data)``, ``test_step``,
``predict_step``, ``compute_loss_and_updates``, ``stateless_compute_loss`` and ``compute_loss``.

These are Keras's default implementations, written with Oneiros's pure pieces
(:meth:`~oneiros.layers.Layer.stateless_call`, ``Metric.stateless_update_state``,
``Optimizer.stateless_apply``), so a subclass's override can call them through ``super()``. ``fit``,
``evaluate`` and ``predict`` run their own compiled steps unless a model overrides one of these
(see :mod:`oneiros.models._custom_steps`), so the default path costs nothing extra.

The states are Keras's tuples of flat lists: ``(trainable_variables, non_trainable_variables,
optimizer_variables, metrics_variables)`` for training, in the order of
``model.trainable_variables``, ``model.non_trainable_variables``, ``model.optimizer.variables`` and
``model.metrics_variables``; ``(trainable, non_trainable, metrics)`` for evaluation;
``(trainable, non_trainable)`` for prediction.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

from oneiros import ops, tree
from oneiros.backend import get_backend
from oneiros.layers.layer import losses_overridden
from oneiros.utils._structures import unpack_x_y_sample_weight
from oneiros.variables import swapped_values

if TYPE_CHECKING:
    from oneiros.models.model import Model

STEP_NAMES = ("train_step", "test_step", "predict_step")


def overrides(model: Any, name: str) -> bool:
    """Whether ``model``'s class replaces Keras's default ``name`` (one of :data:`STEP_NAMES`, or
    ``compute_loss``)."""
    return getattr(type(model), name) is not getattr(KerasStepMembers, name)


def call_compute_loss(model: Model, x: Any, y: Any, y_pred: Any, sample_weight: Any, training: bool) -> Any:
    """The model's ``compute_loss`` (its own or Keras's default) on a step's batch. ``training``
    goes only to a ``compute_loss`` that takes it, as in Keras: the argument came with Keras 3.3, and
    overrides written before it (keras-io's Distiller takes ``allow_empty`` instead) still run."""
    keywords = {"training": training} if "training" in inspect.signature(model.compute_loss).parameters else {}
    return model.compute_loss(x, y, y_pred, sample_weight, **keywords)


def _batch_size(x: Any) -> int:
    return int(ops.shape(next(leaf for leaf in tree.flatten(x) if leaf is not None))[0])


class KerasStepMembers:
    """Mixin of :class:`~oneiros.models.Model` (through ``KerasModelMembers``): Keras's step members."""

    def compute_loss_and_updates(self: Model, trainable_variables: list[Any], non_trainable_variables: list[Any],
                                 metrics_variables: list[Any], x: Any, y: Any, sample_weight: Any,
                                 training: bool = False, optimizer_variables: list[Any] | None = None) -> tuple:
        """``(loss, (unscaled_loss, y_pred, non_trainable_variables, metrics_variables))``, pure, for
        ``jax.value_and_grad(..., has_aux=True)``: :meth:`compute_loss` (the compiled loss plus what
        the forward pass added, ``add_loss`` terms and regularization penalties, unless a subclass
        computes it otherwise), scaled by a LossScaleOptimizer in training."""
        y_pred, non_trainable_variables, added = self.stateless_call(
            trainable_variables, non_trainable_variables, x, return_losses=True, training=training)
        with losses_overridden(self, added):
            loss, (_, non_trainable_variables, metrics_variables) = self.stateless_compute_loss(
                trainable_variables, non_trainable_variables, metrics_variables, x, y, y_pred, sample_weight,
                training=training)
        unscaled_loss = loss
        if training and optimizer_variables is not None:
            template = self.optimizer.latest_state
            loss = self.optimizer.scale_loss(loss, tree.pack_sequence_as(template, list(optimizer_variables)))
        return loss, (unscaled_loss, y_pred, non_trainable_variables, list(metrics_variables))

    def stateless_compute_loss(self: Model, trainable_variables: list[Any], non_trainable_variables: list[Any],
                               metrics_variables: list[Any], x: Any = None, y: Any = None, y_pred: Any = None,
                               sample_weight: Any = None, training: bool = True) -> tuple:
        """``(loss, (trainable, non_trainable, metrics_variables))``: :meth:`compute_loss` with the
        variables holding the given values (so regularization penalties follow them, and what it
        changes, such as a sublayer's statistics, comes back), pure."""
        with swapped_values(self.trainable_variables, list(trainable_variables)), \
                swapped_values(self.non_trainable_variables, list(non_trainable_variables)):
            loss = call_compute_loss(self, x, y, y_pred, sample_weight, training)
            non_trainable_variables = [variable.value for variable in self.non_trainable_variables]
        return loss, (list(trainable_variables), non_trainable_variables, list(metrics_variables))

    def compute_loss(self: Model, x: Any = None, y: Any = None, y_pred: Any = None, sample_weight: Any = None,
                     training: bool = True) -> Any:
        """The compiled loss of ``y_pred`` against ``y`` (weighted per output by ``loss_weights``)
        plus the summed :attr:`losses` (``add_loss`` terms of the last call and the weights'
        regularization penalties), as Keras's ``compute_loss``; ``x`` and ``training`` are unused.
        A subclass may override it (``fit`` and ``evaluate`` then call the override at every step)."""
        del x, training
        total = None
        if self.compiled is not None and self.compiled.loss_spec is not None:
            trainer = self._trainer_for_losses(y, y_pred)
            total, _ = trainer._losses(y, y_pred, sample_weight)
        terms = ([] if total is None else [total]) + [ops.sum(loss) for loss in self.losses]
        if not terms:
            return ops.zeros(())
        result = terms[0]
        for term in terms[1:]:
            result = ops.add(result, term)
        return result

    def _stateless_metrics_update(self: Model, metrics_variables: list[Any], unscaled_loss: Any, x: Any, y: Any,
                                  y_pred: Any, sample_weight: Any) -> tuple[dict[str, Any], list[Any]]:
        """Keras's default metric update: the ``"loss"`` tracker with the loss (weighted by the batch
        size), ``compile_metrics`` with the batch; the logs are every metric's result."""
        from oneiros.models._keras_members import CompileMetrics

        tracker = self._get_trainer()._loss_trackers()[0]
        logs: dict[str, Any] = {}
        new_variables: list[Any] = []
        for metric in self.metrics:
            values = list(metrics_variables[len(new_variables):len(new_variables) + len(metric.variables)])
            if metric is tracker:
                values = metric.stateless_update_state(values, unscaled_loss, sample_weight=_batch_size(x))
            elif isinstance(metric, CompileMetrics):
                values = metric.stateless_update_state(values, y, y_pred, sample_weight)
            result = metric.stateless_result(values)
            logs.update(result if isinstance(result, dict) else {metric.name: result})
            new_variables += values
        return logs, new_variables

    def train_step(self: Model, state: tuple, data: Any) -> tuple[dict[str, Any], tuple]:
        """One training step on ``data`` (``x``, ``(x, y)`` or ``(x, y, sample_weight)``), pure:
        ``(logs, new_state)`` with ``state = (trainable_variables, non_trainable_variables,
        optimizer_variables, metrics_variables)``. Override it to customise what ``fit`` does::

            def train_step(self, state, data):
                trainable, non_trainable, optimizer_variables, metrics_variables = state
                x, y = data
                (loss, (y_pred, non_trainable)), grads = jax.value_and_grad(self.loss_fn, has_aux=True)(
                    trainable, non_trainable, x, y)
                trainable, optimizer_variables = self.optimizer.stateless_apply(
                    optimizer_variables, grads, trainable)
                ...
                return logs, (trainable, non_trainable, optimizer_variables, metrics_variables)
        """
        trainable, non_trainable, optimizer_variables, metrics_variables = state
        x, y, sample_weight = unpack_x_y_sample_weight(data)

        def loss_fn(values: list[Any]) -> tuple:
            return self.compute_loss_and_updates(values, non_trainable, metrics_variables, x, y, sample_weight,
                                                 training=True, optimizer_variables=optimizer_variables)

        (_, (unscaled_loss, y_pred, non_trainable, metrics_variables)), grads = get_backend().value_and_grad(
            loss_fn, has_aux=True)(list(trainable))
        trainable, optimizer_variables = self.optimizer.stateless_apply(optimizer_variables, grads, trainable)
        logs, metrics_variables = self._stateless_metrics_update(metrics_variables, unscaled_loss, x, y, y_pred,
                                                                 sample_weight)
        return logs, (trainable, non_trainable, optimizer_variables, metrics_variables)

    def test_step(self: Model, state: tuple, data: Any) -> tuple[dict[str, Any], tuple]:
        """One evaluation step, pure: ``(logs, (trainable, non_trainable, metrics_variables))``."""
        trainable, non_trainable, metrics_variables = state
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        _, (unscaled_loss, y_pred, non_trainable, metrics_variables) = self.compute_loss_and_updates(
            trainable, non_trainable, metrics_variables, x, y, sample_weight, training=False)
        logs, metrics_variables = self._stateless_metrics_update(metrics_variables, unscaled_loss, x, y, y_pred,
                                                                 sample_weight)
        return logs, (trainable, non_trainable, metrics_variables)

    def predict_step(self: Model, state: tuple, data: Any) -> tuple[Any, list[Any]]:
        """One prediction step, pure: ``(outputs, non_trainable_variables)`` from ``state =
        (trainable_variables, non_trainable_variables)``."""
        trainable, non_trainable = state
        x, _, _ = unpack_x_y_sample_weight(data)
        return self.stateless_call(trainable, non_trainable, x, training=False)
