"""The onnx backend's ``ops`` namespace: one function per op of ``oneiros.ops.CONTRACT``.

Importing it also gives traced tensors (:class:`~oneiros_onnx._graph.Symbol`) their Python
operators, which call these functions: the graph module then depends on no lowering.
"""

from collections.abc import Callable
from typing import Any

from oneiros_onnx import _control, _core, _linalg, _math, _nn, _random, _reduction, _shape
from oneiros_onnx._graph import Symbol
from oneiros_onnx._indexing import getitem

_MODULES = (_control, _core, _linalg, _math, _nn, _random, _reduction, _shape)

globals().update({name: getattr(module, name) for module in _MODULES for name in module.__all__})

__all__ = sorted(name for module in _MODULES for name in module.__all__)

_BINARY_OPERATORS = (("add", "add"), ("sub", "subtract"), ("mul", "multiply"), ("truediv", "divide"),
                     ("floordiv", "floor_divide"), ("mod", "mod"), ("pow", "power"), ("matmul", "matmul"),
                     ("and", "logical_and"), ("or", "logical_or"), ("xor", "logical_xor"))
_COMPARISONS = (("lt", "less"), ("le", "less_equal"), ("gt", "greater"), ("ge", "greater_equal"),
                ("eq", "equal"), ("ne", "not_equal"))
_UNARY_OPERATORS = (("neg", "negative"), ("abs", "abs"), ("invert", "logical_not"))


def _binary(function: Callable[[Any, Any], Any], reflected: bool) -> Callable[[Symbol, Any], Any]:
    def method(self: Symbol, other: Any) -> Any:
        return function(other, self) if reflected else function(self, other)

    method.__name__ = function.__name__
    return method


def _unary(function: Callable[[Any], Any]) -> Callable[[Symbol], Any]:
    def method(self: Symbol) -> Any:
        return function(self)

    method.__name__ = function.__name__
    return method


def _install_operators() -> None:
    namespace = globals()
    for dunder, name in _BINARY_OPERATORS:
        setattr(Symbol, f"__{dunder}__", _binary(namespace[name], reflected=False))
        setattr(Symbol, f"__r{dunder}__", _binary(namespace[name], reflected=True))
    for dunder, name in _COMPARISONS:
        setattr(Symbol, f"__{dunder}__", _binary(namespace[name], reflected=False))
    for dunder, name in _UNARY_OPERATORS:
        setattr(Symbol, f"__{dunder}__", _unary(namespace[name]))
    Symbol.__pos__ = lambda self: self
    Symbol.__getitem__ = getitem
    Symbol.T = property(namespace["transpose"], doc="The tensor with its axes reversed (numpy's ``.T``).")


_install_operators()
