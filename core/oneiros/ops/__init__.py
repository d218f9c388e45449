"""``oneiros.ops``: the numeric vocabulary layers, losses, metrics and optimizers are written in.

Every function here dispatches to the active backend (see ``oneiros.backend``). The set of ops,
with signatures and docs, is :data:`CONTRACT`; a backend implements each under the same name.
"""

from oneiros.ops import _control, _core, _image, _linalg, _math, _nn, _random, _reduction, _shape, _signal
from oneiros.ops._contract import CONTRACT, OpSpec
from oneiros.ops._indexing import get_item
from oneiros.ops._vectorize import vectorize

globals().update(
    {
        name: getattr(module, name)
        for module in (_control, _core, _image, _linalg, _math, _nn, _random, _reduction, _shape, _signal)
        for name in vars(module)
        if name in CONTRACT
    }
)

from oneiros.ops import image, linalg, nn, numpy  # noqa: E402  (Keras's sub-namespaces, after the ops they re-export)

__all__ = sorted([*CONTRACT, "get_item", "image", "linalg", "nn", "numpy", "vectorize"])
