"""Model: a Layer that can be compiled, trained, evaluated, used for prediction and summarised."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from oneiros.arguments import flag
from oneiros.layers.layer import Layer, snake_case
from oneiros.models._keras_members import KerasModelMembers


class Model(KerasModelMembers, Layer):
    """A trainable stack of layers.

    Three ways to build one, as in Keras: ``oi.Sequential([...])``; the functional
    ``oi.Model(inputs, outputs)``; or subclassing ``oi.Model`` with layers made in ``__init__``
    and used in ``call``.

    Example::

        model = oi.Sequential([oi.layers.Input((4,)), oi.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        history = model.fit(x, y, epochs=5, batch_size=32)
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> Model:
        # The one import circle by design (tests/typing/test_import_cycles.py): a Model(inputs, outputs)
        # is a Functional, a Functional is a Model, and models save and load through oneiros.saving,
        # which rebuilds them; the imports that close it are deferred to the calls that need them.
        if cls is Model and (len(args) >= 2 or {"inputs", "outputs"} <= set(kwargs)):
            from oneiros.models.functional import Functional

            return super().__new__(Functional)
        return super().__new__(cls)

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.compiled = None
        self.stop_training = False
        self.history = None
        self.resume_from_epoch: int | None = None
        """Set by a callback in ``on_train_begin`` (BackupAndRestore) to skip finished epochs."""
        self.backend: str | None = None
        """The backend this model runs on (set by ``load_model(..., backend=)``); None = the active one."""
        self._run_eagerly = False
        self._jit_compile: bool | None = None
        """None until compile or the setter decides: "auto", resolved on each read."""

    def _backend_scope(self) -> Any:
        from contextlib import nullcontext

        from oneiros.backend import backend_scope

        return backend_scope(self.backend) if self.backend else nullcontext()

    def build_from_record(self, record: dict[str, Any]) -> None:
        """Builds a subclassed model by calling it once on zeros shaped like its first inputs."""
        from oneiros import ops

        def zeros(shape: Any, dtype: Any) -> Any:
            if isinstance(shape, dict):
                return {key: zeros(shape[key], dtype[key]) for key in shape}
            if shape and isinstance(shape[0], (list, dict)):
                return [zeros(s, d) for s, d in zip(shape, dtype)]
            return ops.zeros(tuple(1 if dim is None else int(dim) for dim in shape), dtype)

        self(zeros(record["shapes"], record["dtypes"]), training=False)

    def save(self, filepath: Any, overwrite: bool = True, zipped: bool | None = None, **kwargs: Any) -> Any:
        """Saves architecture, weights, optimizer state and compile config; the suffix picks the
        format: ``.oneiros`` (Oneiros's own) or ``.keras`` (Keras 3's, which Keras loads).
        ``zipped``: None or True (both formats are zip archives); Keras's unzipped folder layout
        (``zipped=False``) is not written."""
        from oneiros.saving import save_model
        from oneiros.saving._keras_members import check_save_arguments

        check_save_arguments(zipped, kwargs)
        return save_model(self, filepath, overwrite=overwrite)

    def export(self, filepath: Any, format: str | None = None, **options: Any) -> Any:
        """Writes the model for another runtime, e.g. ``model.export("m.onnx")``.

        ``format`` defaults to the file's suffix; it names an exporter registered by a plugin
        (``register_exporters``), which receives ``options``.
        """
        from pathlib import Path

        from oneiros._plugins import host

        chosen = format or Path(filepath).suffix.lstrip(".").lower()
        if not chosen:
            raise ValueError(f"Cannot tell the export format of {str(filepath)!r}: give the file a suffix such as "
                             "'.onnx' or pass format='onnx'.")
        return host().registry("exporters").get(chosen)(self, filepath, **options)

    def quantize(self, mode: str | None = None, config: Any = None, filters: Any = None) -> None:
        """Quantizes the weights of every layer that implements ``quantize`` (Dense, EinsumDense,
        Embedding) in place, as Keras's ``model.quantize``: ``mode`` "int8", or ``config`` an
        ``oi.quantizers.Int8QuantizationConfig``; ``filters`` a regex, a list of them (matched
        against layer names) or a callable ``filters(layer) -> bool`` choosing the layers.
        The model must be built; the quantized layers serve inference (and save and load)."""
        import re

        from oneiros.quantizers import quantization_config_for

        quantization_config_for(mode, config)
        if filters is not None and not isinstance(filters, (str, list, tuple)) and not callable(filters):
            raise ValueError(f"filters must be a regex string, a list of them or a callable; received {filters!r}.")
        patterns = [filters] if isinstance(filters, str) else filters

        def chosen(layer: Layer) -> bool:
            if filters is None:
                return True
            if callable(filters):
                return bool(filters(layer))
            return any(re.search(pattern, layer.name) for pattern in patterns)

        for layer in list(self._all_layers()):
            if layer is not self and not layer._sublayers and hasattr(layer, "quantize") and chosen(layer):
                layer.quantize(mode, config=config)
        self._predictor = None
        self._trainer = None

    def save_weights(self, filepath: Any, overwrite: bool = True, max_shard_size: float | None = None) -> Any:
        """Saves the weights (only): Keras's h5 layout for a ``.weights.h5`` name, else safetensors.
        Keras's sharded layout (``max_shard_size``) is not written: None only."""
        from oneiros.saving import save_weights
        from oneiros.saving._keras_members import check_weights_arguments

        check_weights_arguments(max_shard_size)
        return save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath: Any, **options: Any) -> None:
        """Loads weights saved by save_weights (safetensors or ``.weights.h5``), or those of a
        ``.oneiros``, ``.keras`` or Keras 2 ``.h5`` file."""
        from oneiros.saving import load_weights

        load_weights(self, filepath, **options)

    def to_json(self) -> str:
        """The architecture as JSON; rebuild with ``oi.models.model_from_json``."""
        from oneiros.saving import model_to_json

        return model_to_json(self)

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Layer:
        """Rebuilds a model; ``oi.Model.from_config`` of a functional model's config gives it back.
        ``custom_objects`` maps names in the config to classes and functions, as in Keras."""
        from oneiros.models.functional import Functional
        from oneiros.saving import custom_object_scope

        with custom_object_scope(custom_objects or {}):
            if cls is Model and isinstance(config, dict) and {"layers", "nodes", "inputs", "outputs"} <= set(config):
                return Functional.from_config(config)
            return super().from_config(config)

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """A layer of this model by name or by index (in :attr:`layers` order)."""
        layers = self.layers
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise IndexError(f"Model {self.name!r} has {len(layers)} layers; received index {index}.")
            return layers[index]
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No layer named {name!r} in model {self.name!r}; layers: "
                         f"{[layer.name for layer in layers]}.")

    def _assign_variable_paths(self) -> None:
        """Sets every weight's ``path`` from the layer names above it, e.g. ``hidden/kernel``
        (what distribution layout patterns match, as Keras's ``variable.path``)."""

        def walk(layer: Layer, prefix: str) -> None:
            for variable in layer._own_variables:
                variable.path = f"{prefix}{variable.name}"
            for sublayer in layer._sublayers:
                walk(sublayer, f"{prefix}{sublayer.name}/")

        walk(self, "")

    def _storage_keys(self) -> list[tuple[str, Any]]:
        """``(key, variable)`` for every weight, keyed by its place in the model, e.g.
        ``dense_1/kernel``: sublayers are named after their class and position within their
        container, not their process-wide unique names, so the same architecture built twice in
        one process has the same keys (the names weights have in files)."""
        keys: list[tuple[str, Any]] = []

        def walk(layer: Layer, prefix: str) -> None:
            for variable in layer._own_variables:
                keys.append((f"{prefix}{variable.name}", variable))
            counts: dict[str, int] = {}
            for sublayer in layer._sublayers:
                base = snake_case(type(sublayer).__name__)
                index = counts.get(base, 0)
                counts[base] = index + 1
                walk(sublayer, f"{prefix}{base if index == 0 else f'{base}_{index}'}/")

        walk(self, "")
        unique: dict[int, tuple[str, Any]] = {}
        for key, variable in keys:
            unique.setdefault(id(variable), (key, variable))  # a shared layer's weights once
        return list(unique.values())

    def summary(self, line_length: int | None = None, positions: Sequence[float] | None = None,
                print_fn: Any = None, expand_nested: bool = False, show_trainable: bool = False,
                layer_range: Sequence[str] | None = None) -> str:
        """Prints (and returns) a table of layers, output shapes and parameter counts, with
        Keras's options: ``line_length`` (characters), ``positions`` (where columns end),
        ``expand_nested`` (rows for nested layers), ``show_trainable`` (a Trainable column) and
        ``layer_range`` (two name patterns: the first and last layer shown)."""
        from oneiros.models._summary import summary_text

        text = summary_text(self, line_length=line_length, positions=positions, expand_nested=expand_nested,
                            show_trainable=show_trainable, layer_range=layer_range)
        (print_fn or print)(text)
        return text

    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, metrics: Any = None,
                loss_weights: Any = None, steps_per_execution: int | str = "auto",
                weighted_metrics: Any = None, run_eagerly: bool = False, jit_compile: bool | str = "auto",
                auto_scale_loss: bool = True) -> None:
        """Chooses the optimizer, loss(es) and metrics; nothing is traced until training.

        ``run_eagerly=True`` (or ``jit_compile=False``) runs the train, test and predict steps as
        plain Python calls, never compiled, ``steps_per_execution="auto"`` being one batch per
        call: for debugging, and for layers that run on the host (a layer's Python then runs on
        every batch). ``jit_compile="auto"`` (the default) compiles unless a layer of the model
        has ``supports_jit = False`` (the text plugin's lookups, hashing and TextVectorization).
        ``auto_scale_loss``: under the ``"mixed_float16"`` dtype policy, the optimizer is wrapped
        in a :class:`~oneiros.optimizers.LossScaleOptimizer` (Keras 3's rule).

        ``steps_per_execution``: batches per compiled call of ``fit``, ``evaluate`` and ``predict``
        (fused calls run the steps in order inside one compiled loop, with the same results;
        per-batch callbacks then see the index of each call's last step, as in Keras). An int fixes
        it. ``"auto"`` (the default): ``fit`` trains one step per call from the first batch while
        fused groups (a 2-step probe, then 8, 16, 32) compile in a low-priority background thread,
        each timed on real batches once ready and kept only while clearly faster on this device;
        the choice is remembered in ``$ONEIROS_HOME/choices`` for the same layers, batch shapes,
        losses, optimizer, backend and device kind, and used from the first batch of the next run
        (``ONEIROS_REMEMBER_CHOICES=0`` or ``"remember_choices": false`` in config.json turns
        remembering off). ``evaluate`` and ``predict`` measure single steps against fused groups
        on the first batches of their first call with enough data.
        """
        from oneiros.models._compile import CompileConfig

        compiled = CompileConfig.create(
            self, optimizer=optimizer, loss=loss, metrics=metrics, loss_weights=loss_weights,
            steps_per_execution=steps_per_execution, weighted_metrics=weighted_metrics,
            run_eagerly=run_eagerly, jit_compile=jit_compile, auto_scale_loss=auto_scale_loss,
        )
        self.compiled = compiled
        self._trainer = None
        self.jit_compile = compiled.jit_compile
        self.run_eagerly = compiled.run_eagerly

    @property
    def run_eagerly(self) -> bool:
        """Whether fit, evaluate and predict run their steps uncompiled (settable, as in Keras)."""
        return self._run_eagerly

    @run_eagerly.setter
    def run_eagerly(self, value: bool) -> None:
        self._run_eagerly = flag("Model", "run_eagerly", value)
        self._predictor = None

    @property
    def jit_compile(self) -> bool:
        """Whether the steps are compiled (settable; True on a model with a host-side layer warns
        and gives False, as in Keras). Before compile: whether every layer supports it."""
        if self._jit_compile is not None:
            return self._jit_compile
        from oneiros.models._execution import supports_jit

        return supports_jit(self)

    @jit_compile.setter
    def jit_compile(self, value: bool) -> None:
        from oneiros.models._execution import supports_jit

        value = flag("Model", "jit_compile", value)
        if value and not supports_jit(self):
            warnings.warn(f"Model {self.name!r} has a layer that runs on the host (supports_jit=False), so it "
                          "cannot be compiled: proceeding with jit_compile=False.", stacklevel=2)
            value = False
        self._jit_compile = value
        self._predictor = None

    @property
    def optimizer(self) -> Any:
        return self.compiled.optimizer if self.compiled else None

    def _get_trainer(self) -> Any:
        from oneiros.models._custom_steps import trainer_class

        if self.compiled is None:
            raise RuntimeError(f"Model {self.name!r} must be compiled before training or evaluating; "
                               "call model.compile(optimizer=..., loss=...).")
        if getattr(self, "_trainer", None) is None:
            self._trainer = trainer_class(self)(self)
        return self._trainer

    def fit(self, x: Any = None, y: Any = None, batch_size: int | None = None, epochs: int = 1,
            verbose: Any = "auto", callbacks: Sequence[Any] | None = None, validation_split: float = 0.0,
            validation_data: Any = None, shuffle: bool = True, class_weight: dict | None = None,
            sample_weight: Any = None, initial_epoch: int = 0, steps_per_epoch: int | None = None,
            validation_steps: int | None = None, validation_batch_size: int | None = None,
            validation_freq: int = 1, check_finite: bool | None = None) -> Any:
        """Trains for ``epochs`` epochs; returns a History whose ``history`` maps names to lists.

        NaN or inf in array data gives a warning naming the first bad row (``check_finite=True``:
        an error; False: no check; None: ``oi.data.set_finite_check``, default "warn")."""
        from oneiros.models._fit import fit

        with self._backend_scope():
            return fit(self, x=x, y=y, batch_size=batch_size, epochs=epochs, verbose=verbose,
                   callbacks=callbacks, validation_split=validation_split, validation_data=validation_data,
                   shuffle=shuffle, class_weight=class_weight, sample_weight=sample_weight,
                   initial_epoch=initial_epoch, steps_per_epoch=steps_per_epoch,
                   validation_steps=validation_steps, validation_batch_size=validation_batch_size,
                   validation_freq=validation_freq, check_finite=check_finite)

    def evaluate(self, x: Any = None, y: Any = None, batch_size: int | None = None, verbose: Any = "auto",
                 sample_weight: Any = None, steps: int | None = None, callbacks: Sequence[Any] | None = None,
                 return_dict: bool = False) -> Any:
        """The loss and metrics on the given data (a scalar, a list, or a dict with return_dict)."""
        from oneiros.models._fit import evaluate

        with self._backend_scope():
            return evaluate(self, x=x, y=y, batch_size=batch_size, verbose=verbose, sample_weight=sample_weight,
                        steps=steps, callbacks=callbacks, return_dict=return_dict)

    def predict(self, x: Any, batch_size: int | None = None, verbose: Any = "auto", steps: int | None = None,
                callbacks: Sequence[Any] | None = None) -> Any:
        """Model outputs as numpy arrays, computed batch by batch."""
        from oneiros.models._fit import predict

        with self._backend_scope():
            return predict(self, x, batch_size=batch_size, verbose=verbose, steps=steps, callbacks=callbacks)

    def train_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None, class_weight: dict | None = None,
                       return_dict: bool = False) -> Any:
        """One optimisation step on one batch; returns the loss and metrics."""
        from oneiros.models._fit import train_on_batch

        with self._backend_scope():
            return train_on_batch(self, x, y, sample_weight=sample_weight, class_weight=class_weight,
                              return_dict=return_dict)

    def test_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None, return_dict: bool = False) -> Any:
        """Loss and metrics on one batch, without updating weights."""
        from oneiros.models._fit import test_on_batch

        with self._backend_scope():
            return test_on_batch(self, x, y, sample_weight=sample_weight, return_dict=return_dict)

    def predict_on_batch(self, x: Any) -> Any:
        """Model outputs for one batch, as numpy arrays."""
        from oneiros.models._fit import predict_on_batch

        with self._backend_scope():
            return predict_on_batch(self, x)
