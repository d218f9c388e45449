"""Checks of the ops that transform functions (``jvp``, ``custom_gradient``): their results are
derivatives, so they run on trainable backends against finite differences and hand-written rules."""

from __future__ import annotations

from dataclasses import dataclass

from oneiros.backend import TRAINABLE


@dataclass(frozen=True)
class TransformCheck:
    op: str
    label: str
    requires: frozenset[str] = frozenset({TRAINABLE})

    @property
    def id(self) -> str:
        return f"{self.op}[{self.label}]"


CHECKS = [
    TransformCheck("jvp", "matches-finite-differences"),
    TransformCheck("jvp", "has-aux"),
    TransformCheck("custom_gradient", "clipped-gradient"),
]
