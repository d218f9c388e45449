"""The ``Loss`` base class, its reductions, and ``LossFunctionWrapper`` for plain functions."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from oneiros import dtypes, ops
from oneiros.layers._keras_mask import get_keras_mask
from oneiros.losses._numerics import divide_no_nan
from oneiros.losses._shapes import align_sample_weight, shape_of, squeeze_or_expand_to_same_rank

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def snake_case(name: str) -> str:
    """``"MeanSquaredError"`` -> ``"mean_squared_error"``, Keras's default object names."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def float_dtype(owner: str, dtype: Any) -> str:
    """The canonical name of a float ``dtype`` (None means float32)."""
    name = dtypes.name_of(dtype) if dtype is not None else dtypes.DEFAULT_FLOAT
    if not dtypes.is_float(name):
        raise ValueError(f"{owner}: dtype={dtype!r} is not a float dtype; expected one of "
                         f"{', '.join(dtypes.FLOATS)}.")
    return name


def standardize_reduction(reduction: str | None) -> str | None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"Invalid reduction {reduction!r}; expected one of "
                         f"{', '.join(repr(r) for r in REDUCTIONS)}.")
    return reduction


def reduce_weighted_values(values: Any, sample_weight: Any = None, mask: Any = None,
                           reduction: str | None = "sum_over_batch_size", dtype: str = "float32",
                           owner: str = "loss") -> Any:
    """Weights per-sample ``values`` and reduces them the way Keras 3 does.

    ``"sum"`` adds the weighted values; ``"sum_over_batch_size"`` and ``"mean"`` divide that
    sum by the number of values (by the number of unmasked values when ``mask`` is given);
    ``"mean_with_sample_weight"`` divides it by the sum of the (broadcast) weights; ``"none"``
    and None return the weighted values. ``mask`` (bool, the values' shape) marks values that
    count, e.g. those not of ``ignore_class``.
    """
    reduction = standardize_reduction(reduction)
    values = ops.cast(values, dtype)
    weights = None
    if sample_weight is not None:
        sample_weight = ops.convert_to_tensor(sample_weight, dtype)
        if not shape_of(values) and shape_of(sample_weight):
            # a function that already averaged its batch: Keras weights that number per sample
            values = ops.broadcast_to(values, shape_of(sample_weight))
        values, weights = align_sample_weight(owner, sample_weight, values)
    float_mask = None
    if mask is not None:
        float_mask = ops.reshape(ops.cast(mask, dtype), shape_of(values))
        weights = float_mask if weights is None else ops.multiply(weights, float_mask)
    weighted = values if weights is None else ops.multiply(values, weights)
    if reduction in (None, "none"):
        return weighted
    total = ops.sum(weighted)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and weights is not None:
        return divide_no_nan(total, ops.sum(weights))
    if reduction in ("sum_over_batch_size", "mean") and float_mask is not None:
        return divide_no_nan(total, ops.sum(float_mask))
    return divide_no_nan(total, ops.convert_to_tensor(math.prod(shape_of(values)), dtype))


class Loss:
    """Base class of every loss: subclasses implement :meth:`call`, returning per-sample losses.

    ``loss(y_true, y_pred, sample_weight=None)`` converts both inputs to ``dtype``, calls
    :meth:`call`, weights the result and reduces it with ``reduction`` (see
    :func:`reduce_weighted_values`). Everything is written in ``oneiros.ops``, so a loss runs
    on every backend and inside compiled train steps.
    """

    def __init__(self, name: str | None = None, reduction: str | None = "sum_over_batch_size",
                 dtype: Any = None):
        self.name = name or snake_case(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        self.dtype = float_dtype(self.name, dtype)

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        # A mask the model attached to its predictions (padded time steps after
        # Embedding(mask_zero=True)) keeps those steps out of the loss, as in Keras.
        prediction_mask = get_keras_mask(y_pred)
        y_pred = ops.convert_to_tensor(y_pred, self.dtype)
        y_true = ops.convert_to_tensor(y_true, self.dtype)
        losses = self.call(y_true, y_pred)
        mask = self.valid_mask(y_true, y_pred)
        if prediction_mask is not None:
            prediction_mask = ops.cast(prediction_mask, "bool")
            mask = prediction_mask if mask is None else ops.logical_and(mask, prediction_mask)
        return reduce_weighted_values(losses, sample_weight, mask, self.reduction, self.dtype, owner=self.name)

    def call(self, y_true: Any, y_pred: Any) -> Any:
        """Per-sample losses (typically ``y_pred``'s shape without its last axis)."""
        raise NotImplementedError(f"{type(self).__name__} must implement call(y_true, y_pred).")

    def valid_mask(self, y_true: Any, y_pred: Any) -> Any:
        """A bool tensor shaped like :meth:`call`'s result marking losses that count, or None."""
        return None

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "reduction": self.reduction, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Loss:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} reduction={self.reduction!r}>"


def registered_function_name(fn: Callable) -> str | Callable:
    """The qualified losses-registry name of ``fn``, or ``fn`` itself when it is unregistered."""
    from oneiros._plugins import host

    entry = host().registry("losses").entry_for(fn)
    return entry.qualified_name if entry is not None else fn


def resolve_function(fn: str | Callable) -> Callable:
    """``fn``, or the losses-registry function a config names."""
    if callable(fn):
        return fn
    from oneiros._plugins import host

    return host().registry("losses").get(fn)


class LossFunctionWrapper(Loss):
    """A :class:`Loss` around ``fn(y_true, y_pred, **kwargs)`` returning per-sample losses.

    As in Keras, ``fn`` receives targets and predictions of the same rank when they differ by a
    trailing axis of size 1 (labels ``(n,)`` beside scores ``(n, 1)`` become ``(n, 1)`` both): a
    function written for equal shapes would otherwise broadcast them to ``(n, n)``."""

    def __init__(self, fn: Callable, reduction: str | None = "sum_over_batch_size",
                 name: str | None = None, dtype: Any = None, **kwargs: Any):
        if not callable(fn):
            raise TypeError(f"LossFunctionWrapper: fn must be callable; received {fn!r}.")
        super().__init__(name=name or getattr(fn, "__name__", None), reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true: Any, y_pred: Any) -> Any:
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "fn": registered_function_name(self.fn), **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Loss:
        config = dict(config)
        if "fn" in config:
            config["fn"] = resolve_function(config["fn"])
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}({getattr(self.fn, '__name__', self.fn)}, kwargs={self._fn_kwargs})>"


class BuiltinLoss(LossFunctionWrapper):
    """A built-in loss around one function: its config is its constructor's arguments.

    Subclasses set ``function`` and pass the function's keyword arguments to ``__init__``;
    they become attributes too (``loss.from_logits``), as in Keras.
    """

    function: Callable[..., Any]

    def __init__(self, name: str, reduction: str | None, dtype: Any, **kwargs: Any):
        super().__init__(type(self).function, reduction=reduction, name=name, dtype=dtype, **kwargs)
        for key, value in kwargs.items():
            setattr(self, key, value)

    def get_config(self) -> dict[str, Any]:
        return {**Loss.get_config(self), **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Loss:
        return cls(**config)
