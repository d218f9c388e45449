"""The PlaidML backend's ``ops`` namespace: one function per op of ``oneiros.ops.CONTRACT``."""

from oneiros_plaidml import _control, _core, _linalg, _math, _nn, _random, _reduction, _shape

_MODULES = (_control, _core, _linalg, _math, _nn, _random, _reduction, _shape)

globals().update({name: getattr(module, name) for module in _MODULES for name in module.__all__})

__all__ = sorted(name for module in _MODULES for name in module.__all__)
