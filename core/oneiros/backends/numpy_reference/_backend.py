"""The numpy reference backend: plain numpy arrays, eager, inference only."""

from __future__ import annotations

from types import ModuleType
from typing import ClassVar

from oneiros.backend import Backend
from oneiros.backends.numpy_reference import ops as numpy_ops


class NumpyBackend(Backend):
    """The oracle every other backend is checked against: simple, obviously correct numpy.

    It has no gradients and no compiler, so it declares no capabilities; ``jit`` runs functions
    as they are.
    """

    name: ClassVar[str] = "numpy"
    capabilities: ClassVar[frozenset[str]] = frozenset()
    ops: ModuleType = numpy_ops
