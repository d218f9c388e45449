"""How an op is declared: its signature is the contract, its dispatcher calls the active backend.

A *native* op (``@op``) has no body: every backend implements it. A *derived* op (``@derived``)
has a body written only in ``oneiros.ops`` calls, its default definition: the dispatcher calls
the backend's own function when the backend has one (an override, usually for speed) and the
definition otherwise, so every backend gets the op. Example::

    @derived("math", FLOAT)
    def log10(x):
        '''Base-10 logarithm; float result.'''
        return divide(log(x), math.log(10))
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from oneiros._tensor_operators import TensorOperators
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
    definition: Callable[..., Any] | None = None
    """The default definition of a derived op, in ``oneiros.ops`` calls; None for a native op."""

    def matches(self, implementation: Callable[..., Any]) -> bool:
        """Whether a backend's function has this op's parameters (names, kinds, defaults); annotations,
        which backends may write differently or as strings, are not compared."""
        return _unannotated(inspect.signature(implementation)) == _unannotated(self.signature)

    @property
    def derived(self) -> bool:
        """Whether a backend may leave this op out (the definition runs) or override it."""
        return self.definition is not None


def _unannotated(signature: inspect.Signature) -> inspect.Signature:
    return signature.replace(parameters=[parameter.replace(annotation=inspect.Parameter.empty)
                                         for parameter in signature.parameters.values()],
                             return_annotation=inspect.Signature.empty)


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
    backend_name = getattr(_active.current.backend, "name", "?")
    return OpError(
        f"ops.{name} on backend {backend_name!r}: received {received}; expected {spec.expects}. "
        f"({type(exc).__name__}: {exc})"
    )


def op(category: str, expects: str = "inputs of matching shapes and supported dtypes",
       differentiable: bool = True) -> Callable[[Callable], Callable]:
    """Declares a native op: the decorated function's signature and docstring are the contract."""
    return functools.partial(_declare, category=category, expects=expects,
                             differentiable=differentiable, derived=False)


def derived(category: str, expects: str = "inputs of matching shapes and supported dtypes",
            differentiable: bool = True) -> Callable[[Callable], Callable]:
    """Declares a derived op: as :func:`op`, and the function's body is its default definition."""
    return functools.partial(_declare, category=category, expects=expects,
                             differentiable=differentiable, derived=True)


def _declare(spec_fn: Callable, *, category: str, expects: str, differentiable: bool,
             derived: bool) -> Callable:
    name = spec_fn.__name__
    definition = spec_fn if derived else None
    CONTRACT[name] = OpSpec(
        name=name,
        signature=inspect.signature(spec_fn),
        category=category,
        expects=expects,
        doc=inspect.getdoc(spec_fn) or "",
        differentiable=differentiable,
        definition=definition,
    )

    @functools.wraps(spec_fn)
    def dispatch(*args: Any, **kwargs: Any) -> Any:
        if holds_tensor_like(args) or (kwargs and holds_tensor_like(kwargs.values())):
            return tensor_like_call(name, dispatch, args, kwargs)
        implementation = getattr(_active.current.ops or _activate_default(), name, None) or definition
        if implementation is None:
            active = _active.current.backend
            raise CapabilityError(active.name, f"op {name}", active.capabilities)
        try:
            return implementation(*args, **kwargs)
        except OneirosError:
            raise
        except (TypeError, ValueError, IndexError, OverflowError) as exc:
            raise op_error(name, args, kwargs, exc) from exc

    return dispatch


def holds_tensor_like(values: Any) -> bool:
    """Whether an argument list holds a Variable or a symbolic tensor, directly or in a list."""
    for value in values:
        if isinstance(value, TensorOperators):
            return True
        if type(value) in (list, tuple) and any(isinstance(item, TensorOperators) for item in value):
            return True
    return False


def tensor_like_call(name: str, dispatch: Callable, args: tuple, kwargs: dict) -> Any:
    """An op on variables reads their values; an op on symbolic tensors becomes a graph node."""
    from oneiros.layers._symbolic import SymbolicTensor, is_symbolic

    if is_symbolic((args, kwargs)):
        from oneiros.layers.op_layer import symbolic_op

        return symbolic_op(name, args, kwargs)

    def value_of(item: Any) -> Any:
        if isinstance(item, TensorOperators) and not isinstance(item, SymbolicTensor):
            return item.value
        if type(item) in (list, tuple):
            return type(item)(value_of(element) for element in item)
        return item

    return dispatch(*(value_of(arg) for arg in args), **{key: value_of(v) for key, v in kwargs.items()})


def _activate_default() -> Any:
    from oneiros.backend import get_backend

    get_backend()
    return _active.current.ops
