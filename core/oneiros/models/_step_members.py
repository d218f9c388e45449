"""Keras 3's JAX-style step members of ``Model``: ``train_step(state, data)``, ``test_step``,
``predict_step``, ``compute_loss_and_updates`` and ``stateless_compute_loss``.

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

from typing import TYPE_CHECKING, Any

from oneiros import ops, tree
from oneiros.backend import get_backend
from oneiros.utils._structures import unpack_x_y_sample_weight
from oneiros.variables import swapped_values

if TYPE_CHECKING:
    from oneiros.models.model import Model

STEP_NAMES = ("train_step", "test_step", "predict_step")


def overrides(model: Any, name: str) -> bool:
    """Whether ``model``'s class replaces Keras's default ``name`` (one of :data:`STEP_NAMES`)."""
    return getattr(type(model), name) is not getattr(KerasStepMembers, name)


def _batch_size(x: Any) -> int:
    return int(ops.shape(next(leaf for leaf in tree.flatten(x) if leaf is not None))[0])


class KerasStepMembers:
    """Mixin of :class:`~oneiros.models.Model` (through ``KerasModelMembers``): Keras's step members."""

    def compute_loss_and_updates(self: Model, trainable_variables: list[Any], non_trainable_variables: list[Any],
                                 metrics_variables: list[Any], x: Any, y: Any, sample_weight: Any,
                                 training: bool = False, optimizer_variables: list[Any] | None = None) -> tuple:
        """``(loss, (unscaled_loss, y_pred, non_trainable_variables, metrics_variables))``, pure, for
        ``jax.value_and_grad(..., has_aux=True)``: the compiled loss plus what the forward pass added
        (``add_loss`` terms and regularization penalties), scaled by a LossScaleOptimizer in training."""
        y_pred, non_trainable_variables, added = self.stateless_call(
            trainable_variables, non_trainable_variables, x, return_losses=True, training=training)
        loss = ops.zeros(())
        if self.compiled is not None and self.compiled.loss_spec is not None:
            loss, _ = self._trainer_for_losses(y, y_pred)._losses(y, y_pred, sample_weight)
        for term in added:
            loss = ops.add(loss, ops.sum(term))
        unscaled_loss = loss
        if training and optimizer_variables is not None:
            template = self.optimizer.latest_state
            loss = self.optimizer.scale_loss(loss, tree.pack_sequence_as(template, list(optimizer_variables)))
        return loss, (unscaled_loss, y_pred, non_trainable_variables, list(metrics_variables))

    def stateless_compute_loss(self: Model, trainable_variables: list[Any], non_trainable_variables: list[Any],
                               metrics_variables: list[Any], x: Any = None, y: Any = None, y_pred: Any = None,
                               sample_weight: Any = None, training: bool = True) -> tuple:
        """``(loss, (trainable, non_trainable, metrics_variables))``: :meth:`compute_loss` with the
        variables holding the given values (so regularization penalties follow them), pure."""
        with swapped_values(self.trainable_variables, list(trainable_variables)), \
                swapped_values(self.non_trainable_variables, list(non_trainable_variables)):
            loss = self.compute_loss(x, y, y_pred, sample_weight=sample_weight, training=training)
        return loss, (list(trainable_variables), list(non_trainable_variables), list(metrics_variables))

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
