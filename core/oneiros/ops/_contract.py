"""How an op is declared: its signature is the contract, its dispatcher calls the active backend."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from oneiros.backend import _active
from oneiros.errors import CapabilityError, OneirosError, OpError


@dataclass(frozen=True)
class OpSpec:
    """One op of the contract: its name, signature, category and what valid inputs look like."""

    name: str
    signature: inspect.Signature
    category: str
    expects: str
    doc: str
    differentiable: bool


CONTRACT: dict[str, OpSpec] = {}


def describe(value: Any) -> str:
    """A short ``dtype[shape]`` description of an argument, for error messages."""
    shape = getattr(value, "shape", None)
    dtype = getattr(value, "dtype", None)
    if shape is not None and dtype is not None:
        return f"{dtype}{list(shape)}"
    if isinstance(value, (list, tuple)) and len(value) <= 8:
        inner = ", ".join(describe(v) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def op_error(name: str, args: tuple, kwargs: dict, exc: BaseException) -> OpError:
    spec = CONTRACT[name]
    bound = spec.signature.bind_partial(*args, **kwargs)
    received = ", ".join(f"{key}={describe(value)}" for key, value in bound.arguments.items())
    backend_name = getattr(_active.backend, "name", "?")
    return OpError(
        f"ops.{name} on backend {backend_name!r}: received {received}; expected {spec.expects}. "
        f"({type(exc).__name__}: {exc})"
    )


def op(category: str, expects: str = "inputs of matching shapes and supported dtypes",
       differentiable: bool = True) -> Callable[[Callable], Callable]:
    """Declares an op: the decorated function's signature and docstring are the contract."""

    def declare(spec_fn: Callable) -> Callable:
        name = spec_fn.__name__
        CONTRACT[name] = OpSpec(
            name=name,
            signature=inspect.signature(spec_fn),
            category=category,
            expects=expects,
            doc=inspect.getdoc(spec_fn) or "",
            differentiable=differentiable,
        )

        @functools.wraps(spec_fn)
        def dispatch(*args: Any, **kwargs: Any) -> Any:
            implementation = getattr(_active.ops or _activate_default(), name, None)
            if implementation is None:
                raise CapabilityError(_active.backend.name, f"op {name}", _active.backend.capabilities)
            try:
                return implementation(*args, **kwargs)
            except OneirosError:
                raise
            except (TypeError, ValueError, IndexError, OverflowError) as exc:
                raise op_error(name, args, kwargs, exc) from exc

        return dispatch

    return declare


def _activate_default() -> Any:
    from oneiros.backend import get_backend

    get_backend()
    return _active.ops
