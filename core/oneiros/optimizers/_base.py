"""The Optimizer base class: pure ``init``/``apply`` over lists of tensors, written with
``oneiros.ops`` so it runs on every backend and inside a compiled train step.

State is a dict pytree::

    {"iterations": int32 scalar,             # updates applied so far
     "learning_rate": float32 scalar,        # only when the rate is a constant, so callbacks can
                                             # change it without recompiling the step
     "slots": [dict of tensors, ...],        # one dict per parameter, aligned with ``params``
     "average": [tensor, ...]}               # only with ``use_ema``: the moving average of each param

``init`` also takes the parameters' paths (``"dense/kernel"``, as Keras's ``variable.path``): static
Python data that decides what state a parameter gets (Muon's AdamW slots, MultiOptimizer's
choice), so ``apply`` reads every per-parameter decision from the state's structure and stays pure.

Each step follows Keras 3: gradients clipped (``clipnorm`` per variable, ``clipvalue``
elementwise, or ``global_clipnorm`` over all), then decoupled weight decay
``param -= param * weight_decay * lr``, then the subclass's :meth:`Optimizer.update_step`, then
(with ``use_ema``) the moving averages, which replace the params every ``ema_overwrite_frequency``
steps.
"""

from __future__ import annotations

import abc
import numbers
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, NamedTuple

from oneiros import arguments, dtypes, ops
from oneiros.backend import get_backend
from oneiros.optimizers._clipping import clip_by_global_norm, clip_by_norm, clip_by_value
from oneiros.optimizers._schedules import (
    LearningRateSchedule,
    deserialize_schedule,
    serialize_schedule,
)

KERAS_ONLY_DEFAULTS: dict[str, Any] = {
    "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
    "decay": None,
}
"""Keras optimizer arguments Oneiros does not implement: accepted at these (Keras's default)
values so Keras configs load, refused otherwise."""


def _check_keras_only_arguments(owner: str, kwargs: dict[str, Any]) -> None:
    unknown = sorted(set(kwargs) - set(KERAS_ONLY_DEFAULTS))
    if unknown:
        raise TypeError(f"{owner} got unexpected argument(s) "
                        f"{', '.join(f'{key}={kwargs[key]!r}' for key in unknown)}.")
    for key, value in kwargs.items():
        if value != KERAS_ONLY_DEFAULTS[key]:
            raise ValueError(f"{owner}: argument `{key}` is not supported by Oneiros; received "
                             f"{key}={value!r}, allowed only {key}={KERAS_ONLY_DEFAULTS[key]!r}.")


def _check_learning_rate(owner: str, learning_rate: Any) -> float | LearningRateSchedule:
    if isinstance(learning_rate, LearningRateSchedule):
        return learning_rate
    allowed = "a number >= 0 or a LearningRateSchedule"
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, numbers.Real):
        raise TypeError(f"{owner}: argument `learning_rate` must be {allowed}; received "
                        f"learning_rate={learning_rate!r} of type {type(learning_rate).__name__}.")
    if not learning_rate >= 0:
        raise ValueError(f"{owner}: argument `learning_rate` must be {allowed}; received "
                         f"learning_rate={learning_rate!r}.")
    return float(learning_rate)


def check_paths(owner: str, params: list[Any], paths: Sequence[str] | None) -> list[str]:
    """``paths`` as a list of one string per param ("" for each when None)."""
    if paths is None:
        return [""] * len(params)
    if isinstance(paths, str) or not all(isinstance(path, str) for path in paths) or len(paths) != len(params):
        raise ValueError(f"{owner}.init: argument `paths` must be None or one string per param ({len(params)}); "
                         f"received paths={paths!r}.")
    return list(paths)


KerasLayout = list[tuple[Any, ...] | None]
"""Where each of Keras's optimizer variables lives in an Oneiros state, in Keras's order: key paths
such as ``("iterations",)``, ``("average", 0)`` or ``("slots", 2, "momentum")``; None for a
wrapper's learning rate, which Keras keeps (at 0) and Oneiros does not."""


KerasGroups = dict[str, tuple[str, KerasLayout]]
"""The groups of a Keras weights file under ``optimizer/`` that hold an optimizer's variables
(``"vars"``, ``"inner_optimizer/vars"``...), each with its ``name`` attribute and layout."""


def inner_groups(folder: str, optimizer: Optimizer, state: dict[str, Any], prefix: tuple[Any, ...]) -> KerasGroups:
    """``optimizer``'s groups (its state at ``prefix`` in the wrapper's state) inside ``folder``."""
    return {f"{folder}/{group}": (name, [None if key is None else (*prefix, *key) for key in layout])
            for group, (name, layout) in optimizer.keras_variable_groups(state).items()}


class FusedRule(NamedTuple):
    """An update formula by name ("adam", "sgd") and its hyperparameters (Python numbers)."""

    name: str
    hyperparameters: dict[str, Any]


class Optimizer(abc.ABC):
    """Base class of every optimizer; subclasses implement :meth:`init_slots` and
    :meth:`update_step` (one variable at a time, ops only) and extend :meth:`get_config`.

    With ``use_ema`` the state keeps an exponential moving average of each parameter, updated after
    every step as Keras does (``average = m * average + (1 - m) * param`` with ``m = ema_momentum``,
    0 at the first step); every ``ema_overwrite_frequency`` steps the params become their averages,
    and ``fit`` ends with :meth:`finalize_variable_values` (the model's weights become the averages).
    """

    keras_slot_groups: ClassVar[tuple[tuple[str, ...], ...] | None] = None
    """The slot groups in the order Keras creates them (within a group Keras interleaves the slots
    per variable); None: all slots in one group, in the order :meth:`init_slots` gives them."""

    def __init__(self, learning_rate: float | LearningRateSchedule = 0.001,
                 weight_decay: float | None = None, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None,
                 name: str | None = None, use_ema: bool = False, ema_momentum: float = 0.99,
                 ema_overwrite_frequency: int | None = None, **kwargs: Any):
        owner = type(self).__name__
        _check_keras_only_arguments(owner, kwargs)
        use_ema = arguments.flag(owner, "use_ema", use_ema)
        ema_momentum = arguments.real(owner, "ema_momentum", ema_momentum, minimum=0, maximum=1)
        ema_overwrite_frequency = arguments.positive_int(owner, "ema_overwrite_frequency", ema_overwrite_frequency,
                                                         optional=True)
        learning_rate = _check_learning_rate(owner, learning_rate)
        weight_decay = arguments.real(owner, "weight_decay", weight_decay, minimum=0, optional=True)
        clips = {"clipnorm": clipnorm, "clipvalue": clipvalue, "global_clipnorm": global_clipnorm}
        clips = {key: arguments.real(owner, key, value, minimum=0, exclusive_minimum=True, optional=True)
                 for key, value in clips.items()}
        if sum(value is not None for value in clips.values()) > 1:
            raise ValueError(f"{owner}: only one of `clipnorm`, `clipvalue` and `global_clipnorm` "
                             f"can be set; received clipnorm={clipnorm!r}, clipvalue={clipvalue!r}, "
                             f"global_clipnorm={global_clipnorm!r}.")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{owner}: argument `name` must be a string or None; received "
                            f"name={name!r}.")
        self._learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.clipnorm = clips["clipnorm"]
        self.clipvalue = clips["clipvalue"]
        self.global_clipnorm = clips["global_clipnorm"]
        self.name = name or owner.lower()
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency

    @property
    def learning_rate(self) -> float:
        """The rate in use now, as Keras gives it: the constant, or the schedule evaluated at
        :attr:`iterations`. :attr:`configured_learning_rate` is what was set (float or schedule)."""
        if isinstance(self._learning_rate, LearningRateSchedule):
            return float(ops.to_numpy(self._learning_rate(self.iterations.value)))
        return self._learning_rate

    @property
    def configured_learning_rate(self) -> float | LearningRateSchedule:
        """The learning rate as given: a float, or the schedule evaluated at each step."""
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value: float | LearningRateSchedule) -> None:
        """Changes the rate used by later :meth:`init` calls and by :meth:`get_config`; a live
        state takes a new constant rate through :meth:`with_learning_rate`."""
        self._learning_rate = _check_learning_rate(type(self).__name__, value)

    _latest_state: dict[str, Any] | None = None

    @property
    def latest_state(self) -> dict[str, Any] | None:
        """The state of the last synced training step of the model this optimizer trains."""
        return self._latest_state

    @latest_state.setter
    def latest_state(self, state: dict[str, Any] | None) -> None:
        """Also gives each inner optimizer its part, so their ``iterations`` count as Keras's do."""
        self._latest_state = state
        for optimizer, part in [] if state is None else self.inner_states(state):
            optimizer.latest_state = part

    def inner_states(self, state: dict[str, Any]) -> list[tuple[Optimizer, dict[str, Any]]]:
        """The optimizers this one delegates to, each with its part of ``state`` (none here)."""
        return []

    @property
    def iterations(self) -> Any:
        """How many updates were applied (a read-only int32 Variable, as Keras's ``iterations``)."""
        from oneiros.variables import Variable

        count = 0 if self.latest_state is None else self.latest_state["iterations"]
        return Variable(count, name="iterations", trainable=False, dtype="int32")

    _trainable_variables: list[Any] | None = None

    def build(self, variables: Sequence[Any]) -> None:
        """Keras's ``build``: the optimizer will update these Variables (their constraints apply
        after each :meth:`stateless_apply`); starts a state for them unless one is kept already."""
        self._trainable_variables = list(variables)
        if self.latest_state is None:
            self.latest_state = self.init_for(self._trainable_variables)

    @property
    def variables(self) -> list[Any]:
        """The state's tensors as Keras lists an optimizer's variables (a snapshot of non-trainable
        Variables named by their place in the state, ``slots/0/m``): the leaves of the state
        flattened with :func:`oneiros.tree.flatten`, the order :meth:`stateless_apply` takes."""
        from oneiros import tree
        from oneiros.variables import Variable

        if self.latest_state is None:
            return []
        return [Variable(value, name="/".join(str(key) for key in path), trainable=False, dtype=ops.dtype(value))
                for path, value in tree.flatten_with_path(self.latest_state)]

    def stateless_apply(self, optimizer_variables: Sequence[Any], grads: Sequence[Any],
                        trainable_variables: Sequence[Any]) -> tuple[list[Any], list[Any]]:
        """Keras's pure update: ``(new_trainable_variables, new_optimizer_variables)`` from the
        values of :attr:`variables` and of the variables given to :meth:`build` (or trained by
        ``fit``), their constraints applied after the update as Keras does."""
        from oneiros import tree

        template = self.latest_state
        if template is None or self._trainable_variables is None:
            raise ValueError(f"{type(self).__name__}.stateless_apply: the optimizer is not built; call "
                             "optimizer.build(model.trainable_variables) first (fit does it).")
        expected = len(tree.flatten(template))
        if len(optimizer_variables) != expected:
            raise ValueError(f"{type(self).__name__}.stateless_apply: expected {expected} optimizer variables (one "
                             f"per entry of optimizer.variables); received {len(optimizer_variables)}.")
        if len(trainable_variables) != len(self._trainable_variables):
            raise ValueError(f"{type(self).__name__}.stateless_apply: expected {len(self._trainable_variables)} "
                             f"trainable variables (those given to build); received {len(trainable_variables)}.")
        state = tree.pack_sequence_as(template, list(optimizer_variables))
        params, new_state = self.apply(list(grads), list(trainable_variables), state)
        params = [variable.constraint(value) if variable.constraint is not None else value
                  for variable, value in zip(self._trainable_variables, params)]
        return params, tree.flatten(new_state)

    def init(self, params: list[Any], paths: Sequence[str] | None = None) -> dict[str, Any]:
        """The state before the first update of ``params`` (float tensors) whose variables have
        ``paths`` (e.g. ``"dense/kernel"``; None when they have none); pure."""
        params = list(params)
        paths = check_paths(type(self).__name__, params, paths)
        for index, param in enumerate(params):
            if not dtypes.is_float(ops.dtype(param)):
                raise TypeError(f"{type(self).__name__}.init: params[{index}] has dtype "
                                f"{ops.dtype(param)}; optimizers update float tensors only.")
        state: dict[str, Any] = {"iterations": ops.zeros((), "int32"),
                                 "slots": [self.slots_for(param, path) for param, path in zip(params, paths)]}
        if not isinstance(self._learning_rate, LearningRateSchedule):
            state["learning_rate"] = ops.convert_to_tensor(self._learning_rate, "float32")
        if self.use_ema:
            state["average"] = [ops.zeros_like(param) for param in params]
        return state

    def init_for(self, variables: Sequence[Any]) -> dict[str, Any]:
        """:meth:`init` for these Variables: their values and their paths."""
        return self.init([variable.value for variable in variables], [variable.path for variable in variables])

    def slots_for(self, param: Any, path: str) -> dict[str, Any]:
        """The slots of the parameter at ``path``: :meth:`init_slots` unless the optimizer treats
        variables differently by path (Muon)."""
        return self.init_slots(param)

    def with_learning_rate(self, state: dict[str, Any], learning_rate: float) -> dict[str, Any]:
        """``state`` with its constant learning rate replaced by ``learning_rate``; pure."""
        if "learning_rate" not in state:
            raise TypeError(f"{type(self).__name__} follows the schedule {self._learning_rate!r}; "
                            "its learning rate cannot be set to a constant.")
        value = arguments.real(type(self).__name__, "learning_rate", learning_rate, minimum=0)
        return {**state, "learning_rate": ops.convert_to_tensor(value, "float32")}

    def scale_loss(self, loss: Any, state: dict[str, Any]) -> Any:
        """The loss a training step differentiates: ``loss`` itself, or scaled by a
        LossScaleOptimizer's dynamic scale; pure."""
        return loss

    def current_learning_rate(self, state: dict[str, Any]) -> Any:
        """The learning rate the next update of ``state`` uses (a float32 scalar tensor)."""
        if isinstance(self._learning_rate, LearningRateSchedule):
            return self._learning_rate(state["iterations"])
        return state["learning_rate"]

    def apply(self, grads: list[Any], params: list[Any],
              state: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        """One update: ``(new_params, new_state)``; pure and jit-safe.

        A None gradient leaves its parameter and slots as they are. The per-step scalars (the
        learning rate and step in each parameter dtype, and a subclass's :meth:`step_scalars`)
        are computed once per step, not once per parameter; a backend's fused kernel for
        :meth:`fused_rule` replaces the per-parameter ops where the backend offers one.
        """
        grads, params, slots = list(grads), list(params), list(state["slots"])
        if not len(grads) == len(params) == len(slots):
            raise ValueError(f"{type(self).__name__}.apply: received {len(grads)} gradients and "
                             f"{len(params)} params for a state built for {len(slots)} params; "
                             "expected one gradient per param, in the order given to init.")
        learning_rate = self.current_learning_rate(state)
        step = ops.add(state["iterations"], 1)
        grads = self._clip(grads)
        present = [index for index, grad in enumerate(grads) if grad is not None]
        param_dtypes = [ops.dtype(params[index]) for index in present]
        rates = {dtype: ops.cast(learning_rate, dtype) for dtype in dict.fromkeys(param_dtypes)}
        present_grads = [ops.cast(grads[index], dtype) for index, dtype in zip(present, param_dtypes)]
        present_params = [self._decayed(params[index], rates[dtype], slots[index])
                          for index, dtype in zip(present, param_dtypes)]
        present_slots = [slots[index] for index in present]
        fused = self._fused_update(param_dtypes)
        if fused is not None:
            updated, updated_slots = fused(present_grads, present_params, present_slots, learning_rate, step)
        else:
            scalars = {dtype: self.step_scalars(rate, ops.cast(step, dtype)) for dtype, rate in rates.items()}
            results = [self.update_with_scalars(grad, param, param_slots, scalars[dtype])
                       for grad, param, param_slots, dtype
                       in zip(present_grads, present_params, present_slots, param_dtypes)]
            updated, updated_slots = [param for param, _ in results], [new for _, new in results]
        new_params, new_slots = list(params), list(slots)
        for index, param, param_slots in zip(present, updated, updated_slots):
            new_params[index], new_slots[index] = param, param_slots
        new_state = {**state, "iterations": step, "slots": new_slots}
        if self.use_ema:
            new_params, new_state["average"] = self._moving_averages(new_params, state)
        return new_params, new_state

    def _moving_averages(self, params: list[Any], state: dict[str, Any]) -> tuple[list[Any], list[Any]]:
        """The averages after this step's params, and the params (replaced by the averages on an
        overwrite step); Keras's arithmetic, so the averages agree to the last bit."""
        not_first = ops.not_equal(state["iterations"], 0)
        averages = []
        for param, average in zip(params, state["average"]):
            momentum = ops.multiply(ops.cast(not_first, ops.dtype(param)), self.ema_momentum)
            averages.append(ops.add(ops.multiply(momentum, average), ops.multiply(ops.subtract(1, momentum), param)))
        if self.ema_overwrite_frequency is None:
            return params, averages
        overwrite = ops.equal(ops.mod(ops.add(state["iterations"], 1), self.ema_overwrite_frequency), 0)
        return [ops.where(overwrite, average, param) for param, average in zip(params, averages)], averages

    def _decayed(self, param: Any, learning_rate: Any, slots: dict[str, Any]) -> Any:
        weight_decay = self.weight_decay_for(slots)
        if weight_decay is None:
            return param
        return ops.subtract(param, ops.multiply(ops.multiply(param, weight_decay), learning_rate))

    def weight_decay_for(self, slots: dict[str, Any]) -> float | None:
        """The decoupled weight decay of the parameter with these ``slots`` (Muon decays its AdamW
        variables by another rate)."""
        return self.weight_decay

    def _fused_update(self, param_dtypes: list[str]) -> Callable | None:
        rule = self.fused_rule()
        if rule is None or not param_dtypes:
            return None
        return get_backend().fused_optimizer_update(rule.name, rule.hyperparameters, tuple(param_dtypes))

    def _clip(self, grads: list[Any]) -> list[Any]:
        if self.clipnorm is not None:
            return [None if grad is None else clip_by_norm(grad, self.clipnorm) for grad in grads]
        if self.global_clipnorm is not None:
            return clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue is not None:
            return [None if grad is None else clip_by_value(grad, self.clipvalue) for grad in grads]
        return grads

    @abc.abstractmethod
    def init_slots(self, param: Any) -> dict[str, Any]:
        """The per-variable state of ``param`` before any update (e.g. zero moments)."""

    @abc.abstractmethod
    def update_step(self, grad: Any, param: Any, slots: dict[str, Any], learning_rate: Any,
                    step: Any) -> tuple[Any, dict[str, Any]]:
        """``(new_param, new_slots)`` for one variable.

        ``grad`` and ``learning_rate`` are cast to ``param``'s dtype; ``step`` is the 1-based
        number of this update (iterations + 1), also in ``param``'s dtype.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement update_step(grad, param, slots, "
                                  "learning_rate, step) -> (new_param, new_slots).")

    def step_scalars(self, learning_rate: Any, step: Any) -> dict[str, Any]:
        """The values :meth:`update_with_scalars` shares across every parameter of one dtype in a
        step, computed once per step; ``learning_rate`` and ``step`` are in that dtype. Subclasses
        add their per-step factors (e.g. Adam's bias-corrected step size)."""
        return {"learning_rate": learning_rate, "step": step}

    def update_with_scalars(self, grad: Any, param: Any, slots: dict[str, Any],
                            scalars: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        """:meth:`update_step` given this step's :meth:`step_scalars`; subclasses that add
        scalars override both, keeping ``update_step`` equal to this."""
        return self.update_step(grad, param, slots, scalars["learning_rate"], scalars["step"])

    def fused_rule(self) -> FusedRule | None:
        """The update formula (with this configuration) a backend may run as one kernel per
        parameter (see ``Backend.fused_optimizer_update``), or None when there is none."""
        return None

    @property
    def uses_ema(self) -> bool:
        """Whether the state keeps moving averages of the params (of some of them, for wrappers)."""
        return self.use_ema

    def averages_of(self, state: dict[str, Any], params: list[Any]) -> list[Any]:
        """Each param's moving average in ``state``, or the param itself where none is kept; pure."""
        return list(state["average"]) if "average" in state else list(params)

    def with_averages(self, state: dict[str, Any], averages: list[Any]) -> dict[str, Any]:
        """``state`` whose moving averages are ``averages`` (one per param; ignored for params
        without one); pure."""
        return {**state, "average": list(averages)} if "average" in state else state

    def finalize_variable_values(self, variables: list[Any]) -> None:
        """Gives ``variables`` (the model's trainable weights, in the order of :meth:`init`) their
        moving averages from the last synced training state, as Keras does at the end of fit when
        ``use_ema`` is set; does nothing otherwise."""
        if self.latest_state is None or not self.uses_ema:
            return
        for variable, average in zip(variables, self.averages_of(self.latest_state, [v.value for v in variables])):
            variable.assign(ops.copy(average))  # a copy: the state keeps its own, donated by the next step

    def keras_layout(self, state: dict[str, Any]) -> KerasLayout:
        """Where each of Keras's optimizer variables (``optimizer.variables``, the order of its
        files) is in ``state``: iterations, the constant learning rate, the averages, then the
        slots by :attr:`keras_slot_groups`."""
        slots = state["slots"]
        names = [name for slot in slots for name in slot]
        groups = self.keras_slot_groups or (tuple(dict.fromkeys(names)),)
        layout: KerasLayout = [("iterations",)]
        layout += [("learning_rate",)] if "learning_rate" in state else []
        layout += [("average", index) for index in range(len(state.get("average", ())))]
        for group in groups:
            for index, slot in enumerate(slots):
                layout.extend(("slots", index, name) for name in group if name in slot)
        placed = sum(len(key) == 3 for key in layout)
        if placed != len(names):
            raise ValueError(f"The state of {type(self).__name__} has slots {sorted(set(names))} that Keras's "
                             f"layout {groups} does not place.")
        return layout

    def keras_variable_groups(self, state: dict[str, Any]) -> KerasGroups:
        """Where Keras's weights file keeps this optimizer's variables: ``"vars"`` (all of them,
        :meth:`keras_layout`), and for a wrapper also each inner optimizer's own group, which is
        what Keras reads back."""
        return {"vars": (self.name, self.keras_layout(state))}

    def get_config(self) -> dict[str, Any]:
        learning_rate = self._learning_rate
        if isinstance(learning_rate, LearningRateSchedule):
            learning_rate = serialize_schedule(learning_rate)
        return {"name": self.name, "learning_rate": learning_rate, "weight_decay": self.weight_decay,
                "clipnorm": self.clipnorm, "global_clipnorm": self.global_clipnorm,
                "clipvalue": self.clipvalue, "use_ema": self.use_ema, "ema_momentum": self.ema_momentum,
                "ema_overwrite_frequency": self.ema_overwrite_frequency}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Optimizer:
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = deserialize_schedule(config["learning_rate"])
        return cls(**config)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, learning_rate={self._learning_rate!r})"


def zeros_slots(param: Any, *names: str) -> dict[str, Any]:
    """One zero tensor shaped like ``param`` per slot name."""
    return {name: ops.zeros_like(param) for name in names}
