"""The Layer base class every core, plugin and user layer derives from."""

from __future__ import annotations

import functools
import inspect
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from oneiros import ops
from oneiros.layers._keras_mask import (attached_mask, close_call_scope, get_keras_mask, open_call_scope,
                                        set_keras_mask)
from oneiros.layers._keras_members import KerasLayerMembers, check_variable_options
from oneiros.layers._symbolic import Node, SymbolicTensor, flatten, is_symbolic, map_structure
from oneiros.layers.dtype_policy import DTypePolicy
from oneiros.layers.seed_generator import SeedGenerator
from oneiros.variables import Variable, swapped_values

_name_counts: dict[str, int] = {}
_name_lock = threading.Lock()


def unique_name(base: str) -> str:
    """``dense``, then ``dense_1``, ``dense_2``... for layers created without a name."""
    with _name_lock:
        count = _name_counts.get(base, 0)
        _name_counts[base] = count + 1
    return base if count == 0 else f"{base}_{count}"


def snake_case(name: str) -> str:
    """Keras's default-name rule: ``Conv2D`` -> ``conv2d``, ``GRUCell`` -> ``gru_cell``."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


class _CallContext(threading.local):
    training: bool | None = None
    losses: list | None = None
    in_call: bool = False
    probe: tuple | None = None
    """(input dtypes, symbolic mask) of the symbolic call whose output shape is being probed."""


_context = _CallContext()


@contextmanager
def collecting_losses() -> Iterator[list]:
    """Collects what ``Layer.add_loss`` receives during the block (used by compiled steps)."""
    previous, _context.losses = _context.losses, []
    try:
        yield _context.losses
    finally:
        _context.losses = previous


@contextmanager
def losses_overridden(layer: Layer, losses: list[Any]) -> Iterator[None]:
    """Runs the block with ``layer.losses`` giving ``losses`` (Keras's ``_losses_override``): a
    compiled step hands an overriding ``compute_loss`` what its forward pass added (``add_loss``
    terms, then the weights' regularization penalties), which no eager call has stored."""
    previous = layer.__dict__.get("_losses_override")
    object.__setattr__(layer, "_losses_override", list(losses))
    try:
        yield
    finally:
        object.__setattr__(layer, "_losses_override", previous)


class InputSpec:
    """What a layer accepts: ``ndim``, ``min_ndim`` and sizes of given ``axes``."""

    def __init__(self, ndim: int | None = None, min_ndim: int | None = None,
                 axes: dict[int, int] | None = None):
        self.ndim = ndim
        self.min_ndim = min_ndim
        self.axes = dict(axes or {})

    def problem(self, shape: tuple) -> str | None:
        if self.ndim is not None and len(shape) != self.ndim:
            return f"ndim={self.ndim}"
        if self.min_ndim is not None and len(shape) < self.min_ndim:
            return f"ndim>={self.min_ndim}"
        for axis, size in self.axes.items():
            if -len(shape) <= axis < len(shape) and shape[axis] is not None and shape[axis] != size:
                return f"axis {axis} of size {size}"
        return None


class Layer(KerasLayerMembers):
    """Base class of layers: owns weights, builds lazily from the first input shape, and calls.

    Subclasses follow one order: ``__init__`` validates and stores arguments, ``build(input_shape)``
    creates weights with :meth:`add_weight`, ``call(inputs, training=None, mask=None)`` computes with
    ``oneiros.ops``, ``compute_output_shape`` and ``get_config`` describe the layer.

    Example::

        class Scale(oi.layers.Layer):
            def build(self, input_shape):
                self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones")

            def call(self, inputs):
                return inputs * self.scale.value
    """

    input_spec: InputSpec | None = None
    supports_masking = False
    supports_jit = True
    """False for a layer that cannot run inside compiled code (host-side preprocessing in numpy):
    a model holding one runs its steps eagerly under ``jit_compile="auto"``, as in Keras."""
    activity_regularizer: Any = None
    """A regularizer of the layer's outputs; ``__call__`` adds its penalty per sample."""

    def __init__(self, *, name: str | None = None, trainable: bool = True, dtype: Any = None,
                 input_shape: Sequence[int | None] | None = None, **kwargs: Any):
        if kwargs:
            raise TypeError(
                f"{type(self).__name__} got unexpected keyword arguments {sorted(kwargs)}; "
                f"expected the layer's own arguments plus name, trainable, dtype, input_shape."
            )
        if name is not None and (not isinstance(name, str) or not name or "/" in name):
            raise ValueError(f"Layer names are non-empty strings without '/'; received {name!r}.")
        self.name = name or unique_name(snake_case(type(self).__name__))
        self.trainable = bool(trainable)
        self.dtype_policy = DTypePolicy.get(dtype)
        self.built = False
        self._own_variables: list[Variable] = []
        self._sublayers: list[Layer] = []
        self._input_shape_argument = None if input_shape is None else tuple(input_shape)
        self._inbound_nodes: list[Node] = []
        self._losses: list[Any] = []

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "build" in cls.__dict__:
            cls.build = _marking_built(cls.__dict__["build"])

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, Layer) and name != "_outer":
            self._track_layer(value)
        elif isinstance(value, (list, tuple)) and value and all(isinstance(v, Layer) for v in value):
            for layer in value:
                self._track_layer(layer)
        elif isinstance(value, SeedGenerator):
            self._track_random_state(value.state)
        object.__setattr__(self, name, value)

    def _track_random_state(self, state: Variable) -> None:
        """A SeedGenerator's state becomes one of this layer's variables (saved, threaded through
        compiled steps), named uniquely among them, but not one of its weights."""
        own = self.__dict__.get("_own_variables")
        if own is None:
            raise RuntimeError(f"{type(self).__name__} assigned a SeedGenerator before calling super().__init__(); "
                               "call super().__init__(...) first.")
        if any(state is variable for variable in own):
            return
        taken = {variable.name for variable in own}
        base, index = state.name, 1
        while state.name in taken:
            state.name = state.path = f"{base}_{index}"
            index += 1
        own.append(state)

    def _track_layer(self, layer: Layer) -> None:
        sublayers = self.__dict__.get("_sublayers")
        if sublayers is None:
            raise RuntimeError(
                f"{type(self).__name__} assigned a layer before calling super().__init__(); "
                "call super().__init__(...) first."
            )
        if layer is not self and all(layer is not known for known in sublayers):
            sublayers.append(layer)
            layer._note_container(self)

    @property
    def trainable(self) -> bool:
        return self.__dict__.get("_trainable", True)

    @trainable.setter
    def trainable(self, value: bool) -> None:
        """Freezing (or unfreezing) a layer does the same to every layer inside it, as in Keras:
        a frozen BatchNormalization then also keeps its moving statistics."""
        self.__dict__["_trainable"] = bool(value)
        for layer in self.__dict__.get("_sublayers", ()):
            layer.trainable = value

    @property
    def dtype(self) -> str:
        return self.dtype_policy.variable_dtype

    @property
    def compute_dtype(self) -> str:
        return self.dtype_policy.compute_dtype

    def add_weight(self, shape: Sequence[int] = (), initializer: Any = None, dtype: Any = None,
                   trainable: bool = True, regularizer: Any = None, constraint: Any = None,
                   name: str | None = None, autocast: bool = True, aggregation: str = "none",
                   overwrite_with_gradient: bool = False) -> Variable:
        """Creates a weight of this layer, initialised now on the active backend.

        ``aggregation`` (Keras's: how replicas' values combine) is kept on the variable; Oneiros
        keeps one value per variable across devices, so it changes nothing. Keras's
        ``overwrite_with_gradient=True`` (float8 training's scale variables) is refused."""
        from oneiros import constraints, initializers, regularizers
        from oneiros.saving._budget import charge_weight

        check_variable_options(self, aggregation, overwrite_with_gradient)
        shape = tuple(int(dim) for dim in shape)
        if any(dim < 0 for dim in shape):
            raise ValueError(f"{self.name}: weight shapes are non-negative; received {shape}.")
        dtype = dtype or self.dtype_policy.variable_dtype
        if initializer is None:
            initializer = "glorot_uniform" if "float" in str(dtype) else "zeros"
        name = name or f"variable_{len(self._own_variables)}"
        if any(variable.name == name for variable in self._own_variables):
            raise ValueError(f"{self.name}: a weight named {name!r} already exists.")
        charge_weight(f"{self.name}/{name}", shape, str(dtype))
        value = initializers.get(initializer)(shape, dtype=dtype)
        variable = Variable(
            value,
            name=name,
            trainable=trainable,
            dtype=dtype,
            regularizer=regularizers.get(regularizer),
            constraint=constraints.get(constraint),
            autocast=autocast,
        )
        variable.aggregation = aggregation
        self._own_variables.append(variable)
        return variable

    def _all_layers(self) -> Iterator[Layer]:
        yield self
        for layer in self._sublayers:
            yield from layer._all_layers()

    @property
    def layers(self) -> list[Layer]:
        return list(self._sublayers)

    @property
    def weights(self) -> list[Variable]:
        """Layer by layer (each one's trainable, then non-trainable weights, then its sublayers'),
        the order Keras gives ``weights`` and ``get_weights()``."""
        seen: set[int] = set()
        ordered: list[Variable] = []
        for layer in self._all_layers():
            own = [v for v in layer._own_variables if v.trainable] + \
                  [v for v in layer._own_variables if not v.trainable]
            for variable in own:
                if variable.counts_as_parameter and id(variable) not in seen:
                    seen.add(id(variable))
                    ordered.append(variable)
        return ordered

    @property
    def variables(self) -> list[Variable]:
        seen: dict[int, Variable] = {}
        for layer in self._all_layers():
            for variable in layer._own_variables:
                seen.setdefault(id(variable), variable)
        return list(seen.values())

    @property
    def trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return []
        own = [v for v in self._own_variables if v.trainable]
        nested = [v for layer in self._sublayers for v in layer.trainable_weights]
        return _unique(own + nested)

    @property
    def non_trainable_weights(self) -> list[Variable]:
        """Non-trainable weights; random-generator states are variables but not weights, as in Keras."""
        return [v for v in self.non_trainable_variables if v.counts_as_parameter]

    @property
    def non_trainable_variables(self) -> list[Variable]:
        trainable = {id(v) for v in self.trainable_weights}
        return [v for v in self.variables if id(v) not in trainable]

    trainable_variables = trainable_weights

    @property
    def input(self) -> Any:
        """The symbolic input(s) of this layer's first call in a functional graph (as in Keras)."""
        return self._first_node("input").inputs

    @property
    def output(self) -> Any:
        """The symbolic output(s) of this layer's first call in a functional graph (as in Keras)."""
        outputs = self._first_node("output").outputs
        return outputs[0] if len(outputs) == 1 else list(outputs)

    def _first_node(self, wanted: str) -> Node:
        if not self._inbound_nodes:
            raise AttributeError(
                f"Layer {self.name!r} has never been called on a symbolic tensor, so it has no {wanted}; "
                f"call it on oi.Input(...) (or put it in a built model) first."
            )
        return self._inbound_nodes[0]

    def count_params(self) -> int:
        """Number of parameters (random-generator states are not parameters, as in Keras)."""
        total = 0
        for variable in self.weights:
            if not variable.counts_as_parameter:
                continue
            size = 1
            for dim in variable.shape:
                size *= dim
            total += size
        return total

    def get_weights(self) -> list[Any]:
        return [variable.numpy() for variable in self.weights]

    def set_weights(self, weights: Sequence[Any]) -> None:
        """Assigns numpy arrays to :attr:`weights`, in order; checks counts and shapes first."""
        variables = self.weights
        if len(weights) != len(variables):
            raise ValueError(
                f"{self.name}: set_weights expected {len(variables)} arrays, received {len(weights)}."
            )
        for variable, value in zip(variables, weights):
            shape = tuple(getattr(value, "shape", ()))
            if shape != variable.shape:
                raise ValueError(
                    f"{self.name}: weight {variable.path!r} has shape {variable.shape}; "
                    f"received an array of shape {shape}."
                )
        for variable, value in zip(variables, weights):
            variable.assign(value)

    def build(self, input_shape: Any) -> None:
        """Creates the layer's weights for inputs of ``input_shape``; the default creates none."""

    def call(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        """Output shape for ``input_shape``; the default probes ``call`` with two input sizes."""
        return _probe_output_shape(self, input_shape)

    def compute_output_dtype(self, input_dtype: Any) -> Any:
        return self.compute_dtype

    def compute_mask(self, inputs: Any, mask: Any = None, previous_mask: Any = None) -> Any:
        """The output mask; ``previous_mask`` is Keras's name for ``mask``."""
        mask = previous_mask if mask is None else mask
        return mask if self.supports_masking else None

    def add_loss(self, value: Any) -> None:
        """Adds a loss term (e.g. an activity regularization) to the current training step; in
        eager calls it is kept in :attr:`losses` until the next top-level call."""
        if _context.losses is not None:
            _context.losses.append(value)
        else:
            self._losses.append(value)

    @property
    def losses(self) -> list[Any]:
        """What ``add_loss`` received in the last eager call of this layer and its sublayers, then
        the weights' regularization penalties (Keras's ``layer.losses``); inside
        :func:`losses_overridden`, the losses it was given."""
        override = self.__dict__.get("_losses_override")
        if override is not None:
            return list(override)
        added = [loss for layer in self._all_layers() for loss in layer._losses]
        return added + [v.regularizer(v.value) for v in self.trainable_weights if v.regularizer]

    def _call_accepts(self) -> frozenset[str]:
        cls = type(self)
        accepted = cls.__dict__.get("_accepted_call_arguments")
        if accepted is None:
            parameters = inspect.signature(cls.call).parameters
            accepted = frozenset(parameters)
            if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
                accepted |= {"training", "mask"}
            cls._accepted_call_arguments = accepted
        return accepted

    def __call__(self, inputs: Any, *args: Any, training: bool | None = None, mask: Any = None,
                 **kwargs: Any) -> Any:
        if is_symbolic(inputs):
            return self._symbolic_call(inputs, args, kwargs, training=training, mask=mask)
        if not self.built:
            self._build_record = {"shapes": map_structure(_shape_of, inputs),
                                  "dtypes": map_structure(lambda v: str(getattr(v, "dtype", "float32")), inputs)}
        self._maybe_build(map_structure(_shape_of, inputs))
        self._check_input(inputs)
        opened = open_call_scope()
        try:
            return self._eager_call(inputs, args, kwargs, training, mask)
        finally:
            if opened:
                close_call_scope()

    def _eager_call(self, inputs: Any, args: tuple, kwargs: dict, training: Any, mask: Any) -> Any:
        accepted = self._call_accepts()
        outer_training, outer_in_call = _context.training, _context.in_call
        if not outer_in_call:
            for layer in self._all_layers():
                layer._losses.clear()
        if training is None:
            training = outer_training
        if "training" in accepted:
            kwargs["training"] = training
        if mask is None:
            mask = attached_mask(inputs)
        if mask is not None and "mask" in accepted:
            kwargs["mask"] = mask
        original_inputs = inputs
        inputs = self._autocast_inputs(inputs)
        _context.training, _context.in_call = training, True
        try:
            if self.dtype_policy.is_mixed:
                with _autocast_variables(self):
                    outputs = self.call(inputs, *args, **kwargs)
            else:
                outputs = self.call(inputs, *args, **kwargs)
        finally:
            _context.training, _context.in_call = outer_training, outer_in_call
        if self.activity_regularizer is not None:
            self._add_activity_penalty(outputs)
        if mask is not None or self._computes_masks():
            self._attach_output_masks(original_inputs, outputs, mask)
        return outputs

    def _add_activity_penalty(self, outputs: Any) -> None:
        """Keras's rule, applied here once for every layer: the regularizer of each output,
        divided by that output's batch size."""
        for output in flatten(outputs):
            if not hasattr(output, "shape"):
                continue
            penalty = self.activity_regularizer(output)
            shape = ops.shape(output)
            if len(shape) > 0:
                penalty = ops.divide(penalty, ops.cast(shape[0], ops.dtype(penalty)))
            self.add_loss(penalty)

    def _computes_masks(self) -> bool:
        """Whether this layer makes masks of its own (its class overrides ``compute_mask``)."""
        return type(self).compute_mask is not Layer.compute_mask

    def _attach_output_masks(self, inputs: Any, outputs: Any, mask: Any) -> None:
        """Keras's rule: outputs carry ``compute_mask``'s result when the layer supports masking
        (or computes masks); a layer that supports neither drops the mask."""
        if not (self.supports_masking or self._computes_masks()):
            return
        flat_outputs = flatten(outputs)
        if all(get_keras_mask(x) is not None for x in flat_outputs):
            return  # call() attached its own
        output_mask = self.compute_mask(inputs, mask)
        if output_mask is None:
            return
        flat_masks = flatten(output_mask) if isinstance(output_mask, (list, tuple)) else [output_mask]
        for tensor, tensor_mask in zip(flat_outputs, flat_masks):
            if tensor_mask is not None and get_keras_mask(tensor) is None:
                set_keras_mask(tensor, tensor_mask)

    def _autocast_inputs(self, inputs: Any) -> Any:
        compute_dtype = self.compute_dtype

        def cast(value: Any) -> Any:
            if hasattr(value, "dtype") and "float" in str(value.dtype) and str(value.dtype) != compute_dtype:
                return ops.cast(value, compute_dtype)
            return value

        return map_structure(cast, inputs)

    def _maybe_build(self, input_shape: Any) -> None:
        if self.built:
            return
        self._check_shape(input_shape)
        self.build(input_shape)
        self.built = True

    def _check_input(self, inputs: Any) -> None:
        if self.input_spec is not None:
            self._check_shape(map_structure(_shape_of, inputs))

    def _check_shape(self, input_shape: Any) -> None:
        if self.input_spec is None or not _is_shape(input_shape):
            return
        expected = self.input_spec.problem(tuple(input_shape))
        if expected is not None:
            raise ValueError(
                f"Layer {self.name!r} ({type(self).__name__}) expected inputs with {expected}; "
                f"received shape {tuple(input_shape)}."
            )

    def _symbolic_call(self, inputs: Any, args: tuple, kwargs: dict, training: Any, mask: Any) -> Any:
        input_shape = map_structure(lambda t: t.shape if isinstance(t, SymbolicTensor) else t, inputs)
        self._maybe_build(input_shape)
        if mask is None:
            mask = attached_mask(inputs)
        input_dtype = map_structure(lambda t: t.dtype if isinstance(t, SymbolicTensor) else None, inputs)
        outer_probe, _context.probe = _context.probe, (input_dtype, mask)
        try:
            output_shape = self.compute_output_shape(input_shape)
        finally:
            _context.probe = outer_probe
        output_dtype = self.compute_output_dtype(input_dtype)
        node = Node(layer=self, inputs=inputs, call_kwargs=dict(kwargs))
        if args:
            raise TypeError(
                f"Layer {self.name!r}: extra positional arguments are not supported in the functional "
                "API; pass them as keyword arguments."
            )
        if _is_shape(output_shape):
            outputs: Any = SymbolicTensor(output_shape, _first(output_dtype), node, 0)
            node.outputs = [outputs]
        else:
            shapes = list(output_shape)
            dtypes_out = output_dtype if isinstance(output_dtype, (list, tuple)) else [output_dtype] * len(shapes)
            outputs = [SymbolicTensor(s, d, node, i) for i, (s, d) in enumerate(zip(shapes, dtypes_out))]
            node.outputs = list(outputs)
            outputs = type(output_shape)(outputs) if isinstance(output_shape, tuple) else outputs
        self._inbound_nodes.append(node)
        if mask is not None or self._computes_masks():
            self._attach_output_masks(inputs, outputs, mask)
        return outputs

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments that recreate this layer (without its weights)."""
        config: dict[str, Any] = {"name": self.name, "trainable": self.trainable,
                                  "dtype": self.dtype_policy.name}
        if self._input_shape_argument is not None:
            config["input_shape"] = list(self._input_shape_argument)
        return config

    def serialized(self, *names: str) -> dict[str, Any]:
        """``{name: config value}`` for the attributes ``names`` that hold an initializer, regularizer
        or constraint (told by the name's ending, as in Keras's argument names), for :meth:`get_config`:
        ``{**super().get_config(), **self.serialized("kernel_initializer", "kernel_regularizer")}``.

        Activations are not among them: ``oneiros.activations`` saves through ``oneiros.saving``,
        which builds models from layers, and this module must not import what imports it.
        """
        from oneiros import constraints, initializers, regularizers

        by_suffix = (("_initializer", initializers.serialize), ("_regularizer", regularizers.serialize),
                     ("_constraint", constraints.serialize))
        config = {}
        for name in names:
            serializer = next((function for suffix, function in by_suffix if name.endswith(suffix)), None)
            if serializer is None:
                raise ValueError(f"{type(self).__name__}.serialized: {name!r} does not end in _initializer, "
                                 "_regularizer or _constraint.")
            config[name] = serializer(getattr(self, name))
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Layer:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} built={self.built}>"


def _marking_built(build: Any) -> Any:
    """Wraps a subclass's ``build`` so that calling it directly also marks the layer built."""
    if getattr(build, "_marks_built", False):
        return build

    @functools.wraps(build)
    def wrapper(self: Layer, *args: Any, **kwargs: Any) -> None:
        build(self, *args, **kwargs)
        self.built = True

    wrapper._marks_built = True
    return wrapper


def _unique(variables: list[Variable]) -> list[Variable]:
    seen: set[int] = set()
    unique = []
    for variable in variables:
        if id(variable) not in seen:
            seen.add(id(variable))
            unique.append(variable)
    return unique


def _shape_of(value: Any) -> Any:
    shape = getattr(value, "shape", None)
    return tuple(shape) if shape is not None else None


def _is_shape(value: Any) -> bool:
    return isinstance(value, tuple) and all(dim is None or isinstance(dim, int) for dim in value)


def _first(value: Any) -> Any:
    while isinstance(value, (list, tuple)):
        value = value[0]
    return value


@contextmanager
def _autocast_variables(layer: Layer) -> Iterator[None]:
    """Variables read in the compute dtype during a mixed-precision call; assignments kept."""
    compute = layer.compute_dtype
    variables = [v for v in layer.variables if v.autocast and "float" in v.dtype and v.dtype != compute]
    originals = [v._value for v in variables]
    casted = [ops.cast(value, compute) for value in originals]
    for variable, value in zip(variables, casted):
        variable._value = value
    try:
        yield
    finally:
        for variable, original, cast_value in zip(variables, originals, casted):
            assigned = variable._value
            variable._value = original if assigned is cast_value else ops.cast(assigned, variable.dtype)


PROBE_SIZES = (2, 3)


def _probe_output_shape(layer: Layer, input_shape: Any) -> Any:
    """Runs ``call`` on zeros twice, with unknown sizes set to 2 then 3; sizes that follow are None.

    Inside a symbolic call the zeros take the symbolic inputs' dtypes, and a layer whose ``call``
    takes ``mask`` receives an all-true mask shaped like the symbolic one."""
    input_dtypes, mask = _context.probe or (None, None)

    def zeros_for(shape: tuple, size: int, dtype: Any) -> Any:
        return ops.zeros(tuple(size if dim is None else dim for dim in shape), dtype or layer.compute_dtype)

    def ones_mask(symbolic: Any, size: int) -> Any:
        if symbolic is None:
            return None
        return ops.ones(tuple(size if dim is None else dim for dim in symbolic.shape), "bool")

    call_kwargs: dict[str, Any] = {}
    results = []
    variables = layer.variables
    with swapped_values(variables, [variable._value for variable in variables]):  # probes change no state
        for size in PROBE_SIZES:
            if _is_shape(input_shape):
                probe = zeros_for(input_shape, size, input_dtypes)
            else:
                dtypes_in = input_dtypes if isinstance(input_dtypes, (list, tuple)) else [None] * len(input_shape)
                probe = [zeros_for(tuple(shape), size, dtype) for shape, dtype in zip(input_shape, dtypes_in)]
            if mask is not None and "mask" in layer._call_accepts():
                call_kwargs["mask"] = map_structure(lambda m: ones_mask(m, size), mask)
            results.append(map_structure(_shape_of, layer.call(probe, **call_kwargs)))

    def merge(first: tuple, second: tuple) -> tuple:
        return tuple(a if a == b else None for a, b in zip(first, second))

    first, second = results
    if _is_shape(first):
        return merge(first, second)
    return type(first)(merge(a, b) for a, b in zip(first, second))
