"""The TensorFlow backend's ``ops`` namespace: one function per op of ``oneiros.ops.CONTRACT``.

TensorFlow reports bad shapes found while running eagerly as ``InvalidArgumentError``; each op
re-raises it as the ``ValueError`` the contract's dispatcher turns into an ``OpError``.
"""

from oneiros_tensorflow import _control, _core, _linalg, _math, _nn, _random, _reduction, _shape
from oneiros_tensorflow._errors import as_value_errors

_MODULES = (_control, _core, _linalg, _math, _nn, _random, _reduction, _shape)

globals().update({name: as_value_errors(getattr(module, name)) for module in _MODULES for name in module.__all__})

__all__ = sorted(name for module in _MODULES for name in module.__all__)
