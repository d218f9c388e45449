"""What ``model.compile`` resolves: the optimizer, one loss per output, metrics per output."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

from oneiros.arguments import flag
from oneiros.models._pipeline import AUTO

ACCURACY_ALIASES = ("accuracy", "acc")


def _resolved_jit_compile(model: Any, jit_compile: Any, run_eagerly: bool) -> bool:
    """Keras's rule: "auto" compiles unless the model runs eagerly or a layer cannot be compiled;
    True together with run_eagerly=True warns and gives False."""
    from oneiros.models._execution import supports_jit

    if jit_compile == AUTO:
        return not run_eagerly and supports_jit(model)
    if not isinstance(jit_compile, bool):
        raise ValueError(f"compile: argument `jit_compile` must be True, False or 'auto'; received "
                         f"jit_compile={jit_compile!r} of type {type(jit_compile).__name__}.")
    if jit_compile and run_eagerly:
        warnings.warn("compile: run_eagerly=True runs the steps uncompiled, so jit_compile=True cannot hold: "
                      "proceeding with jit_compile=False.", stacklevel=4)
        return False
    return jit_compile


def _instantiate(kind: str, identifier: Any) -> Any:
    from oneiros._plugins import host

    if isinstance(identifier, str):
        resolved = host().registry(kind).get(identifier)
        return resolved() if isinstance(resolved, type) else resolved
    if isinstance(identifier, type):
        return identifier()
    return identifier


def resolve_optimizer(identifier: Any) -> Any:
    optimizer = _instantiate("optimizers", identifier)
    if not all(hasattr(optimizer, method) for method in ("init", "apply")):
        raise TypeError(f"optimizer must be a name or an Optimizer; received {identifier!r}.")
    return optimizer


def resolve_loss(identifier: Any) -> Any:
    from oneiros.losses._base import Loss, LossFunctionWrapper

    loss = _instantiate("losses", identifier)
    if isinstance(loss, Loss):
        return loss
    if callable(loss):
        return LossFunctionWrapper(loss)
    raise TypeError(f"loss must be a name, a Loss or a function (y_true, y_pred); received {identifier!r}.")


def _accuracy_for(name: str, loss: Any, y_true_shape: tuple, y_pred_shape: tuple) -> Any:
    """The accuracy that ``name`` ("accuracy" or "acc", and so logged) means for this loss and
    these shapes (the loss is None when the model was compiled without one)."""
    from oneiros.metrics import _accuracy as metrics

    loss_name = type(loss).__name__ if not hasattr(loss, "fn") else getattr(loss.fn, "__name__", "")
    loss_name = loss_name.lower()
    if "sparse" in loss_name:
        return metrics.SparseCategoricalAccuracy(name=name)
    if "binary" in loss_name or (y_pred_shape and y_pred_shape[-1] == 1):
        return metrics.BinaryAccuracy(name=name)
    if len(y_true_shape) < len(y_pred_shape) or (y_true_shape and y_true_shape[-1] == 1):
        return metrics.SparseCategoricalAccuracy(name=name)
    return metrics.CategoricalAccuracy(name=name)


def resolve_metric(identifier: Any, loss: Any, y_true_shape: tuple, y_pred_shape: tuple) -> Any:
    from oneiros.metrics._base import Metric
    from oneiros.metrics._reduction import MeanMetricWrapper

    if isinstance(identifier, str) and identifier in ACCURACY_ALIASES:
        return _accuracy_for(identifier, loss, y_true_shape, y_pred_shape)
    metric = _instantiate("metrics", identifier)
    if not isinstance(metric, Metric) and callable(metric):
        metric = MeanMetricWrapper(metric, name=getattr(metric, "__name__", "metric"))
    if isinstance(metric, Metric):
        if isinstance(identifier, str):
            metric.name = identifier  # Keras names a metric given by string after that string
        return metric
    raise TypeError(f"metrics must be names, Metric objects or functions; received {identifier!r}.")


@dataclass
class CompileConfig:
    """The resolved compile arguments; per-output lists follow the model's outputs."""

    optimizer: Any
    loss_spec: Any
    metric_spec: Any
    loss_weights: Any
    steps_per_execution: int | str
    weighted_metric_spec: Any = None
    run_eagerly: bool = False
    jit_compile: bool = True
    """Resolved from "auto" at compile, as Keras records it in its compile config."""
    losses: list[Any] = field(default_factory=list)
    metrics: list[list[Any]] = field(default_factory=list)
    weighted_metrics: list[list[Any]] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    output_names: list[str] = field(default_factory=list)

    @classmethod
    def create(cls, model: Any, optimizer: Any, loss: Any, metrics: Any, loss_weights: Any,
               steps_per_execution: int, weighted_metrics: Any, run_eagerly: bool = False,
               jit_compile: bool | str = AUTO, auto_scale_loss: bool = True) -> CompileConfig:
        from oneiros._plugins import host

        if steps_per_execution != AUTO and (not isinstance(steps_per_execution, int)
                                            or isinstance(steps_per_execution, bool) or steps_per_execution < 1):
            raise ValueError(f"steps_per_execution must be 'auto' or an int >= 1; received {steps_per_execution!r}.")
        run_eagerly = flag("compile", "run_eagerly", run_eagerly)
        auto_scale_loss = flag("compile", "auto_scale_loss", auto_scale_loss)
        jit_compile = _resolved_jit_compile(model, jit_compile, run_eagerly)
        optimizer = resolve_optimizer(optimizer)
        loss_scale_optimizer = host().registry("optimizers").get("core>LossScaleOptimizer")
        if auto_scale_loss and model.dtype_policy.name == "mixed_float16" \
                and not isinstance(optimizer, loss_scale_optimizer):
            optimizer = loss_scale_optimizer(optimizer, name="loss_scale_optimizer")
        return cls(optimizer=optimizer, loss_spec=loss, metric_spec=metrics,
                   loss_weights=loss_weights, steps_per_execution=steps_per_execution,
                   weighted_metric_spec=weighted_metrics, run_eagerly=run_eagerly, jit_compile=jit_compile)

    def resolve_outputs(self, output_names: list[str], y_true_shapes: list[tuple],
                        y_pred_shapes: list[tuple]) -> None:
        """Fixes losses and metrics per output once the first batch shows the shapes."""
        count = len(output_names)
        self.output_names = output_names
        if self.loss_spec is not None:
            self.losses = [resolve_loss(spec) for spec in self._per_output(self.loss_spec, "loss", output_names)]
            weights = self.loss_weights if self.loss_weights is not None else [1.0] * count
            self.weights = [float(w) for w in self._per_output(weights, "loss_weights", output_names)]
        losses = self.losses or [None] * count  # without a loss, the model's add_loss terms are the objective
        if self.metric_spec is None:
            metric_specs: list[Any] = [[] for _ in range(count)]
        elif isinstance(self.metric_spec, dict) or (count > 1 and self.metric_spec
                                                    and isinstance(self.metric_spec[0], (list, tuple))):
            metric_specs = self._per_output(self.metric_spec, "metrics", output_names, default=[])
        else:
            metric_specs = [list(self.metric_spec) for _ in range(count)]
        self.metrics = [
            [resolve_metric(spec, loss, y_true_shapes[i], y_pred_shapes[i]) for spec in specs]
            for i, (specs, loss) in enumerate(zip(metric_specs, losses))
        ]
        weighted = self._per_output(self.weighted_metric_spec or [], "weighted_metrics", output_names,
                                    default=[]) if isinstance(self.weighted_metric_spec, dict) else [
            list(self.weighted_metric_spec or []) for _ in range(count)]
        self.weighted_metrics = [
            [resolve_metric(spec, loss, y_true_shapes[i], y_pred_shapes[i]) for spec in specs]
            for i, (specs, loss) in enumerate(zip(weighted, losses))
        ]
        for index in range(count):
            for metric in self.metrics[index] + self.weighted_metrics[index]:
                metric.build(y_true_shapes[index], y_pred_shapes[index])

    @staticmethod
    def _per_output(spec: Any, what: str, names: list[str], default: Any = None) -> list[Any]:
        if isinstance(spec, dict):
            unknown = sorted(set(spec) - set(names))
            if unknown:
                raise ValueError(f"{what} names outputs {unknown} that the model does not have; outputs: {names}.")
            if default is None and set(spec) != set(names):
                raise ValueError(f"{what} must give every output {names}; received keys {sorted(spec)}.")
            return [spec.get(name, default) for name in names]
        if isinstance(spec, (list, tuple)) and not (len(names) == 1 and what == "metrics"):
            if len(spec) != len(names):
                raise ValueError(f"{what} has {len(spec)} entries for {len(names)} outputs {names}.")
            return list(spec)
        return [spec] * len(names)
