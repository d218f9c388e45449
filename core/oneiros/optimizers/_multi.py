"""MultiOptimizer and OptimizerMap: a different optimizer per variable, chosen by its path, as Keras 3's."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from typing import Any, NamedTuple

from oneiros import ops
from oneiros.optimizers._base import KerasGroups, KerasLayout, Optimizer, check_paths, inner_groups
from oneiros.optimizers._loss_scale import LossScaleOptimizer
from oneiros.optimizers._schedules import LearningRateSchedule


class VariableSpec(NamedTuple):
    """What a selector sees of a variable when a MultiOptimizer is initialized: its ``path``
    (``"dense/kernel"``), ``shape`` and ``dtype``, as a Keras selector reads them off the variable."""

    path: str
    shape: tuple[int, ...]
    dtype: str

    @property
    def name(self) -> str:
        return self.path.rpartition("/")[2]


def _check_inner(owner: str, optimizer: Any, what: str) -> Optimizer:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{owner}: {what} must be an Optimizer; received {optimizer!r} of type "
                        f"{type(optimizer).__name__}.")
    if isinstance(optimizer, (LossScaleOptimizer, MultiOptimizer)):
        raise ValueError(f"{owner}: {what} cannot be a {type(optimizer).__name__}; received {optimizer!r} (wrap "
                         "the MultiOptimizer in a LossScaleOptimizer instead).")
    return optimizer


class OptimizerMap(MutableMapping[str, Optimizer]):
    """Maps variable paths to optimizers: a key is a path, or a regular expression that must match
    a whole path (``re.fullmatch``); an exact key wins, two matching patterns are an error, and
    paths no key matches get ``default_optimizer``. Called on a variable, gives its optimizer.

    Example::

        optimizer_map = oi.optimizers.OptimizerMap(default_optimizer=oi.optimizers.SGD())
        optimizer_map["encoder/.*"] = oi.optimizers.Adam()
        model.compile(optimizer=oi.optimizers.MultiOptimizer(optimizer_map), loss="mse")
    """

    def __init__(self, default_optimizer: Optimizer, optimizer_map: dict[str, Optimizer] | None = None):
        owner = type(self).__name__
        _check_inner(owner, default_optimizer, "`default_optimizer`")
        if optimizer_map is not None and not isinstance(optimizer_map, dict):
            raise TypeError(f"{owner}: argument `optimizer_map` must be a dict of path patterns to optimizers or "
                            f"None; received {optimizer_map!r} of type {type(optimizer_map).__name__}.")
        self._default_optimizer = default_optimizer
        self._optimizer_map: dict[str, Optimizer] = {}
        for key, optimizer in (optimizer_map or {}).items():
            self._check_entry(key, optimizer)
        self._optimizer_map = dict(optimizer_map or {})

    @property
    def default_optimizer(self) -> Optimizer:
        return self._default_optimizer

    def _check_entry(self, key: Any, optimizer: Any) -> None:
        owner = type(self).__name__
        if not isinstance(key, str):
            raise TypeError(f"{owner}: a key must be a path or a regular expression (a string); received "
                            f"{key!r} of type {type(key).__name__}.")
        try:
            re.compile(key)
        except re.error as exc:
            raise ValueError(f"{owner}: the key {key!r} is not a regular expression ({exc}).") from None
        if key in self._optimizer_map:
            raise ValueError(f"{owner}: {key!r} already maps to {self._optimizer_map[key]!r}; keys must be unique.")
        _check_inner(owner, optimizer, f"the optimizer for {key!r}")

    def __getitem__(self, key: str) -> Optimizer:
        if key in self._optimizer_map:
            return self._optimizer_map[key]
        matching = [pattern for pattern in self._optimizer_map if re.fullmatch(pattern, key)]
        if len(matching) > 1:
            raise ValueError(f"{type(self).__name__}: the variable {key!r} matches several keys {matching}; "
                             "expected at most one.")
        return self._optimizer_map[matching[0]] if matching else self._default_optimizer

    def __setitem__(self, key: str, optimizer: Optimizer) -> None:
        self._check_entry(key, optimizer)
        self._optimizer_map[key] = optimizer

    def __delitem__(self, key: str) -> None:
        del self._optimizer_map[key]

    def __len__(self) -> int:
        return len(self._optimizer_map)

    def __iter__(self) -> Iterator[str]:
        return iter(self._optimizer_map)

    def __call__(self, variable: Any) -> Optimizer:
        return self[variable.path]

    def get_config(self) -> dict[str, Any]:
        from oneiros.saving import serialize_keras_object

        return {"default_optimizer": serialize_keras_object(self._default_optimizer),
                "optimizer_map": {key: serialize_keras_object(value) for key, value in self._optimizer_map.items()}}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> OptimizerMap:
        from oneiros.saving import deserialize_keras_object

        entries = config.get("optimizer_map") or {}
        return cls(deserialize_keras_object(config["default_optimizer"]),
                   {key: deserialize_keras_object(value) for key, value in entries.items()})

    def __repr__(self) -> str:
        return f"OptimizerMap(default_optimizer={self._default_optimizer!r}, optimizer_map={self._optimizer_map!r})"


class MultiOptimizer(Optimizer):
    """Updates each variable with the optimizer that ``optimizer_map`` gives it: an
    :class:`OptimizerMap`, or a callable taking a variable (its ``path``, ``shape``, ``dtype`` and
    ``name``) and returning an optimizer. The choice is made from the paths at :meth:`init`, like
    Keras's ``build``; each inner optimizer keeps its own state, iterations and learning rate (so
    a MultiOptimizer has no ``learning_rate`` of its own), and applies only when it has variables.

    State: ``{"iterations", "optimizers": [each inner optimizer's state]}``, the inner optimizers in
    Keras's order (the map's values, then its default, then any others the callable returns).

    Example::

        model.compile(optimizer=oi.optimizers.MultiOptimizer(
            oi.optimizers.OptimizerMap(oi.optimizers.SGD(), {"encoder/.*": oi.optimizers.Adam()})), loss="mse")
    """

    def __init__(self, optimizer_map: OptimizerMap | Callable[[Any], Optimizer],
                 loss_scale_factor: float | None = None, name: str | None = None):
        owner = type(self).__name__
        if not callable(optimizer_map):
            raise TypeError(f"{owner}: argument `optimizer_map` must be an OptimizerMap or a callable returning an "
                            f"optimizer for a variable; received {optimizer_map!r}.")
        super().__init__(learning_rate=0.0, name=name or "multi_optimizer", loss_scale_factor=loss_scale_factor)
        self._optimizer_map = optimizer_map
        self._given: list[Optimizer] = []
        if isinstance(optimizer_map, OptimizerMap):
            for optimizer in [*optimizer_map.values(), optimizer_map.default_optimizer]:
                if not any(optimizer is known for known in self._given):
                    self._given.append(optimizer)
        self._inner: list[Optimizer] = list(self._given)
        self._groups: tuple[tuple[int, ...], ...] | None = None

    @property
    def optimizers(self) -> list[Optimizer]:
        """The inner optimizers, in the order of the state's ``"optimizers"``."""
        return list(self._inner)

    @property
    def optimizer_map(self) -> OptimizerMap | Callable[[Any], Optimizer]:
        return self._optimizer_map

    def inner_states(self, state: dict[str, Any]) -> list[tuple[Optimizer, dict[str, Any]]]:
        return list(zip(self._inner, state["optimizers"]))

    @property
    def learning_rate(self) -> float:
        raise AttributeError("A MultiOptimizer has no learning rate of its own: read or set it on the optimizers in "
                             "its `optimizers` list.")

    @learning_rate.setter
    def learning_rate(self, value: Any) -> None:
        raise AttributeError("A MultiOptimizer has no learning rate of its own: set it on the optimizers in its "
                             f"`optimizers` list; received learning_rate={value!r}.")

    @property
    def configured_learning_rate(self) -> tuple[Any, ...]:
        """Each inner optimizer's rate: setting one (a callback on ``optimizers[i]``) reaches the
        training state at the next step, as for a single optimizer."""
        return tuple(optimizer.configured_learning_rate for optimizer in self._inner)

    def with_learning_rate(self, state: dict[str, Any], learning_rate: Any) -> dict[str, Any]:
        inner = [optimizer.with_learning_rate(inner_state, rate)
                 if not isinstance(rate, LearningRateSchedule) and "learning_rate" in inner_state else inner_state
                 for optimizer, inner_state, rate in zip(self._inner, state["optimizers"], learning_rate)]
        return {**state, "optimizers": inner}

    def current_learning_rate(self, state: dict[str, Any]) -> Any:
        raise AttributeError("A MultiOptimizer has no learning rate of its own: ask the optimizers in its "
                             "`optimizers` list with their own states (state['optimizers'][i]).")

    def _choose(self, params: list[Any], paths: list[str]) -> tuple[list[Optimizer], tuple[tuple[int, ...], ...]]:
        inner = list(self._given)
        members: list[list[int]] = [[] for _ in inner]
        for index, (param, path) in enumerate(zip(params, paths)):
            spec = VariableSpec(path, tuple(ops.shape(param)), str(ops.dtype(param)))
            optimizer = _check_inner(type(self).__name__, self._optimizer_map(spec), f"the optimizer for {path!r}")
            position = next((i for i, known in enumerate(inner) if known is optimizer), None)
            if position is None:
                position = len(inner)
                inner.append(optimizer)
                members.append([])
            members[position].append(index)
        return inner, tuple(tuple(group) for group in members)

    def init(self, params: list[Any], paths: Sequence[str] | None = None) -> dict[str, Any]:
        params = list(params)
        paths = check_paths(type(self).__name__, params, paths)
        self._inner, self._groups = self._choose(params, paths)
        return {"iterations": ops.zeros((), "int32"),
                "optimizers": [optimizer.init([params[i] for i in group], [paths[i] for i in group])
                               for optimizer, group in zip(self._inner, self._groups)]}

    def _checked_groups(self, count: int) -> tuple[tuple[int, ...], ...]:
        if self._groups is None or sum(map(len, self._groups)) != count:
            raise ValueError(f"{type(self).__name__}.apply: received {count} params; the optimizer was initialized "
                             f"for {None if self._groups is None else sum(map(len, self._groups))} (call init with "
                             "these params and their paths first).")
        return self._groups

    def apply(self, grads: list[Any], params: list[Any],
              state: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        grads, params = list(grads), list(params)
        groups = self._checked_groups(len(params))
        new_params, inner_states = list(params), []
        for optimizer, group, inner_state in zip(self._inner, groups, state["optimizers"]):
            if not group:
                inner_states.append(inner_state)
                continue
            updated, inner_state = optimizer.apply([grads[i] for i in group], [params[i] for i in group], inner_state)
            inner_states.append(inner_state)
            for index, value in zip(group, updated):
                new_params[index] = value
        return new_params, {**state, "iterations": ops.add(state["iterations"], 1), "optimizers": inner_states}

    @property
    def uses_ema(self) -> bool:
        return any(optimizer.uses_ema for optimizer in self._inner)

    def averages_of(self, state: dict[str, Any], params: list[Any]) -> list[Any]:
        params = list(params)
        averages = list(params)
        for optimizer, group, inner_state in zip(self._inner, self._checked_groups(len(params)), state["optimizers"]):
            for index, average in zip(group, optimizer.averages_of(inner_state, [params[i] for i in group])):
                averages[index] = average
        return averages

    def with_averages(self, state: dict[str, Any], averages: list[Any]) -> dict[str, Any]:
        groups = self._checked_groups(len(averages))
        inner = [optimizer.with_averages(inner_state, [averages[i] for i in group])
                 for optimizer, group, inner_state in zip(self._inner, groups, state["optimizers"])]
        return {**state, "optimizers": inner}

    def keras_layout(self, state: dict[str, Any]) -> KerasLayout:
        """Keras's own iterations and (unused) learning rate, then each inner optimizer's variables."""
        layout: KerasLayout = [("iterations",), None]
        for position, (optimizer, inner_state) in enumerate(zip(self._inner, state["optimizers"])):
            layout += [None if key is None else ("optimizers", position, *key)
                       for key in optimizer.keras_layout(inner_state)]
        return layout

    def keras_variable_groups(self, state: dict[str, Any]) -> KerasGroups:
        """Also each inner optimizer's group in ``optimizers/``, named as Keras names list items
        (``adam``, ``adam_1``...)."""
        from oneiros.layers.layer import snake_case

        groups = super().keras_variable_groups(state)
        used: dict[str, int] = {}
        for position, (optimizer, inner_state) in enumerate(zip(self._inner, state["optimizers"])):
            base = snake_case(type(optimizer).__name__)
            used[base] = used.get(base, -1) + 1
            folder = f"optimizers/{base if used[base] == 0 else f'{base}_{used[base]}'}"
            groups.update(inner_groups(folder, optimizer, inner_state, ("optimizers", position)))
        return groups

    def init_slots(self, param: Any) -> dict[str, Any]:
        raise TypeError("A MultiOptimizer keeps no slots of its own: its inner optimizers do.")

    def update_step(self, grad: Any, param: Any, slots: dict[str, Any], learning_rate: Any,
                    step: Any) -> tuple[Any, dict[str, Any]]:
        raise TypeError("A MultiOptimizer updates through its inner optimizers' apply, not update_step.")

    def get_config(self) -> dict[str, Any]:
        """Keras's config; a callable ``optimizer_map`` is saved by name, as Keras does, and loads
        only where it is registered (``oi.saving.register_keras_serializable``)."""
        from oneiros.saving import serialize_keras_object

        optimizer_map = self._optimizer_map
        serialized = ({"module": "keras.optimizers", "class_name": "OptimizerMap",
                       "config": optimizer_map.get_config(), "registered_name": None}
                      if isinstance(optimizer_map, OptimizerMap) else serialize_keras_object(optimizer_map))
        return {"optimizer_map": serialized, "loss_scale_factor": None, "name": self.name}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> MultiOptimizer:
        from oneiros.saving import deserialize_keras_object

        config = dict(config)
        optimizer_map = config.pop("optimizer_map")
        return cls(deserialize_keras_object(optimizer_map) if isinstance(optimizer_map, dict) else optimizer_map,
                   **config)

    def __repr__(self) -> str:
        return f"MultiOptimizer(name={self.name!r}, optimizers={self._inner!r})"
