"""The JAX backend's ``ops`` namespace: one function per op of ``oneiros.ops.CONTRACT``."""

from oneiros_jax import _control, _core, _linalg, _math, _nn, _random, _reduction, _shape, _signal

_MODULES = (_control, _core, _linalg, _math, _nn, _random, _reduction, _shape, _signal)

globals().update({name: getattr(module, name) for module in _MODULES for name in module.__all__})

__all__ = sorted(name for module in _MODULES for name in module.__all__)
