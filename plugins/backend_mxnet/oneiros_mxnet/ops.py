"""The MXNet backend's ``ops`` namespace: one function per op of ``oneiros.ops.CONTRACT``.

Every op raises ValueError for MXNet's own errors (shape inference, kernel checks), so the
dispatcher reports them as OpError naming the op and what it received.
"""

from oneiros_mxnet import _control, _core, _linalg, _math, _nn, _random, _reduction, _shape
from oneiros_mxnet._engine import translating_errors

_MODULES = (_control, _core, _linalg, _math, _nn, _random, _reduction, _shape)

globals().update(
    {name: translating_errors(getattr(module, name)) for module in _MODULES for name in module.__all__}
)

__all__ = sorted(name for module in _MODULES for name in module.__all__)
