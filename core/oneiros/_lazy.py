"""Lazy references: register a class by ``"package.module:Name"`` so discovery imports nothing."""

from __future__ import annotations

import importlib
from typing import Any


class LazyObject:
    """A registered object imported on first lookup, e.g. ``lazy("oneiros_gated.layers:GatedDense")``."""

    __slots__ = ("reference", "_resolved")

    def __init__(self, reference: str):
        module, _, attribute = reference.partition(":")
        if not module or not attribute or not all(part.isidentifier() for part in module.split(".")):
            raise ValueError(f"A lazy reference reads 'package.module:Name'; received {reference!r}.")
        self.reference = reference
        self._resolved: Any = None

    @property
    def name(self) -> str:
        return self.reference.rpartition(":")[2].rpartition(".")[2]

    def resolve(self) -> Any:
        if self._resolved is None:
            module, _, attribute = self.reference.partition(":")
            value: Any = importlib.import_module(module)
            for part in attribute.split("."):
                value = getattr(value, part)
            self._resolved = value
        return self._resolved

    def __repr__(self) -> str:
        return f"lazy({self.reference!r})"


def lazy(reference: str) -> LazyObject:
    """A reference to register now and import on first use: ``register(lazy("pkg.mod:Cls"))``."""
    return LazyObject(reference)
