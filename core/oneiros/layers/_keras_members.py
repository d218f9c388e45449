"""Keras 3 ``Layer`` members that ported code touches, beyond building and calling.

``Layer`` inherits them from :class:`KerasLayerMembers`: ``add_variable`` (Keras's argument
order), ``path``, ``get_build_config`` / ``build_from_config``, the pure ``stateless_call``,
``compute_output_spec``, the dtype properties, ``save_own_variables`` / ``load_own_variables``
(Keras's per-layer store keyed ``"0"``, ``"1"``... in its variable order) and the (empty) layer
metrics, with Keras 3.15's semantics.
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import MutableMapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oneiros.layers.layer import Layer
    from oneiros.variables import Variable


def own_saved_variables(layer: Layer) -> list[Variable]:
    """Keras's order for a layer's own stored variables: trainable, then non-trainable weights
    (random-generator states are not stored per layer, as in Keras)."""
    own = [v for v in layer._own_variables if v.counts_as_parameter]
    return [v for v in own if v.trainable] + [v for v in own if not v.trainable]


def _checked_values(layer: Layer, what: str, values: Sequence[Any], expected: int) -> list[Any]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"{type(layer).__name__}.stateless_call: `{what}` must be a list of tensors; received "
                        f"{type(values).__name__}.")
    if len(values) != expected:
        raise ValueError(f"{type(layer).__name__}.stateless_call: `{what}` must hold one tensor per entry of "
                         f"{type(layer).__name__}().{what} ({expected}); received {len(values)}.")
    return list(values)


class KerasLayerMembers:
    """Mixin of :class:`~oneiros.layers.Layer`: Keras 3 members over Oneiros's own layer state."""

    builds_its_layers = True
    """Whether the layers this one tracks are built inside it (their :attr:`path` then starts
    with its name); a functional model's layers are built by the graph, outside it."""

    def add_variable(self: Layer, shape: Sequence[int], initializer: Any, dtype: Any = None, trainable: bool = True,
                     autocast: bool = True, regularizer: Any = None, constraint: Any = None,
                     name: str | None = None) -> Variable:
        """Keras's ``add_variable``: :meth:`add_weight` with ``shape`` and ``initializer`` first."""
        return self.add_weight(shape=shape, initializer=initializer, dtype=dtype, trainable=trainable,
                               autocast=autocast, regularizer=regularizer, constraint=constraint, name=name)

    @property
    def path(self: Layer) -> str:
        """Where the layer sits, as Keras's ``layer.path``: the names of the layers that built it
        and its own, e.g. ``"sequential/dense"``. A functional model's layers are built by the
        graph, not inside the model, so their path is their name (as in Keras)."""
        names = [self.name]
        container = self.__dict__.get("_container")
        while container is not None and (outer := container()) is not None and outer.builds_its_layers:
            names.append(outer.name)
            container = outer.__dict__.get("_container")
        return "/".join(reversed(names))

    def _note_container(self: Layer, container: Layer) -> None:
        """Remembers the first layer that tracked this one (weakly: a layer does not keep its model alive)."""
        if "_container" not in self.__dict__:
            self.__dict__["_container"] = weakref.ref(container)

    @property
    def input_dtype(self: Layer) -> str:
        """The dtype the layer casts floating inputs to (its compute dtype), as in Keras; an
        ``InputLayer`` sets the dtype of the tensor it makes."""
        return self.__dict__.get("_input_dtype") or self.dtype_policy.compute_dtype

    @input_dtype.setter
    def input_dtype(self, value: str) -> None:
        self.__dict__["_input_dtype"] = value

    @property
    def variable_dtype(self: Layer) -> str:
        return self.dtype_policy.variable_dtype

    @property
    def autocast(self) -> bool:
        """Whether floating inputs are cast to the compute dtype: always, in Oneiros (Keras's default)."""
        return True

    @property
    def call_signature_parameters(self: Layer) -> list[str]:
        """The names of ``call``'s parameters, as Keras lists them."""
        return [name for name in inspect.signature(type(self).call).parameters if name != "self"]

    @property
    def metrics(self: Layer) -> list[Any]:
        """The metrics this layer holds as attributes (e.g. ``self.tracker = oi.metrics.Mean()``
        in ``__init__``), then its sublayers', as Keras tracks them."""
        return self._attribute_metrics() + [m for layer in self._sublayers for m in layer.metrics]

    def _attribute_metrics(self) -> list[Any]:
        # told by their methods: the metrics package sits above the layers in the import order
        return [value for value in vars(self).values()
                if all(callable(getattr(value, method, None)) for method in ("update_state", "result", "reset_state"))
                and not isinstance(value, type)]

    @property
    def metrics_variables(self: Layer) -> list[Variable]:
        return [variable for metric in self.metrics for variable in metric.variables]

    def get_build_config(self: Layer) -> dict[str, Any] | None:
        """``{"input_shape": shape}`` of the inputs the layer was built for; None before it is built."""
        if not self.built:
            return None
        record = self.__dict__.get("_build_record")
        if record is not None:
            return {"input_shape": record["shapes"]}
        if self._inbound_nodes:
            inputs = self._inbound_nodes[0].inputs
            shapes = [tuple(t.shape) for t in inputs] if isinstance(inputs, (list, tuple)) else tuple(inputs.shape)
            return {"input_shape": shapes}
        return None

    def build_from_config(self: Layer, config: dict[str, Any] | None) -> None:
        """Builds the layer from :meth:`get_build_config`'s result (nothing for None or {})."""
        if not config:
            return
        if not isinstance(config, dict) or "input_shape" not in config:
            raise ValueError(f"{type(self).__name__}.build_from_config expects {{'input_shape': shape}}; received "
                             f"{config!r}.")
        self._maybe_build(_as_shape(config["input_shape"]))

    def stateless_call(self: Layer, trainable_variables: Sequence[Any], non_trainable_variables: Sequence[Any],
                       *args: Any, return_losses: bool = False, **kwargs: Any) -> tuple:
        """Calls the layer with its variables holding the given values and changes none of them:
        returns ``(outputs, non_trainable_variables)`` (their values after the call, e.g. updated
        BatchNormalization statistics or advanced random states), plus the losses the call added
        (``add_loss`` terms, then the weights' regularization penalties) with ``return_losses``."""
        from oneiros.layers.layer import collecting_losses
        from oneiros.variables import swapped_values

        if not self.built:
            raise ValueError(f"To call stateless_call, {type(self).__name__} {self.name!r} must be built (its "
                             "variables created): call it on some data first.")
        trainable, non_trainable = self.trainable_variables, self.non_trainable_variables
        trainable_values = _checked_values(self, "trainable_variables", trainable_variables, len(trainable))
        non_trainable_values = _checked_values(self, "non_trainable_variables", non_trainable_variables,
                                               len(non_trainable))
        with swapped_values(trainable, trainable_values), swapped_values(non_trainable, non_trainable_values):
            with collecting_losses() as added:
                outputs = self(*args, **kwargs)
            new_non_trainable = [variable.value for variable in non_trainable]
            penalties = [v.regularizer(v.value) for v in self.trainable_weights if v.regularizer]
        if return_losses:
            return outputs, new_non_trainable, list(added) + penalties
        return outputs, new_non_trainable

    def compute_output_spec(self: Layer, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        """Symbolic tensors (shape and dtype) of what calling the layer on ``inputs`` gives,
        without adding a node to any graph; ``inputs`` may be symbolic tensors or arrays."""
        from oneiros.layers._symbolic import SymbolicTensor, map_structure

        def spec(value: Any) -> SymbolicTensor:
            return value if isinstance(value, SymbolicTensor) else SymbolicTensor(tuple(value.shape),
                                                                                   str(value.dtype))

        specs = map_structure(spec, inputs)
        input_shape = map_structure(lambda t: tuple(t.shape), specs)
        self._maybe_build(input_shape)
        output_shape = self.compute_output_shape(input_shape)
        output_dtype = self.compute_output_dtype(map_structure(lambda t: t.dtype, specs))
        if isinstance(output_shape, tuple) and all(d is None or isinstance(d, int) for d in output_shape):
            dtype = output_dtype
            while isinstance(dtype, (list, tuple)):
                dtype = dtype[0]
            return SymbolicTensor(output_shape, dtype)
        dtypes = output_dtype if isinstance(output_dtype, (list, tuple)) else [output_dtype] * len(output_shape)
        return type(output_shape)(SymbolicTensor(s, d) for s, d in zip(output_shape, dtypes))

    def save_own_variables(self: Layer, store: MutableMapping[str, Any]) -> None:
        """Writes the layer's own weights into ``store`` under ``"0"``, ``"1"``... (Keras's layout)."""
        for index, variable in enumerate(own_saved_variables(self)):
            store[str(index)] = variable.numpy()

    def load_own_variables(self: Layer, store: MutableMapping[str, Any]) -> None:
        """Assigns the layer's own weights from a store written by :meth:`save_own_variables`;
        checks the count and every shape before assigning any."""
        variables = own_saved_variables(self)
        keys = list(store.keys())
        if len(keys) != len(variables):
            raise ValueError(f"Layer {self.name!r} expected {len(variables)} variables "
                             f"{[v.name for v in variables]}; received a store holding {len(keys)}: {keys}.")
        values = [store[str(index)] for index in range(len(variables))]
        for variable, value in zip(variables, values):
            if tuple(getattr(value, "shape", ())) != variable.shape:
                raise ValueError(f"Layer {self.name!r}: variable {variable.name!r} has shape {variable.shape}; "
                                 f"the store holds shape {tuple(getattr(value, 'shape', ()))}.")
        for variable, value in zip(variables, values):
            variable.assign(value)


def _as_shape(shape: Any) -> Any:
    """A JSON shape (lists) as the tuples ``build`` receives; nested lists of shapes stay lists."""
    if isinstance(shape, (list, tuple)) and all(d is None or isinstance(d, int) for d in shape):
        return tuple(shape)
    if isinstance(shape, dict):
        return {key: _as_shape(value) for key, value in shape.items()}
    return [_as_shape(s) for s in shape]


AGGREGATIONS = ("none", "mean", "sum", "only_first_replica")


def check_variable_options(layer: Layer, aggregation: Any, overwrite_with_gradient: Any) -> None:
    """``add_weight``'s Keras-only arguments: a known ``aggregation``; ``overwrite_with_gradient``
    refused, since Oneiros's optimizers always apply their update rule."""
    if aggregation not in AGGREGATIONS:
        raise ValueError(f"{layer.name}: add_weight's `aggregation` must be one of {list(AGGREGATIONS)}; received "
                         f"{aggregation!r}.")
    if overwrite_with_gradient is not False:
        raise NotImplementedError(
            f"{layer.name}: add_weight(overwrite_with_gradient={overwrite_with_gradient!r}) is Keras's float8 "
            "training hook (the optimizer replaces the variable by its gradient); Oneiros's optimizers always apply "
            "their update rule. Keep the value out of the trainable weights (trainable=False) and assign it yourself.")
