"""What a conformance case is: an op, arguments drawn from a seeded RNG, and a tolerance."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Tensor:
    """An argument the kit turns into a backend tensor of ``dtype`` (default: the array's)."""

    value: np.ndarray
    dtype: str | None = None


@dataclass(frozen=True)
class Raw:
    """An argument handed to the op untouched (array-likes for ``convert_to_tensor``...)."""

    value: Any


@dataclass(frozen=True)
class Call:
    """Positional and keyword arguments of one op call.

    Numpy arrays (and :class:`Tensor`) anywhere inside lists, tuples and dicts become backend
    tensors; Python scalars stay Python scalars (they are weakly typed); everything else
    (shapes, axes, strings, functions) is passed as is.
    """

    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)


def call(*args: Any, **kwargs: Any) -> Call:
    return Call(args, kwargs)


@dataclass(frozen=True)
class Case:
    """One op call checked against the numpy reference.

    ``label`` names the situation (it becomes the id ``op[label]``); ``build`` draws the
    arguments from a numpy Generator seeded from the id, so every run sees the same numbers.
    ``wrt`` lists the positional arguments (float32 arrays or pytrees of them) whose gradient
    is checked on trainable backends; ``jit`` also runs the case inside ``backend.jit``;
    ``requires`` names capabilities the backend under test must declare (e.g. ``bfloat16``);
    ``grad_is_zero`` says the op blocks gradients (``stop_gradient``); ``rtol``/``atol``
    loosen the per-dtype tolerance of the value comparison for this case.
    """

    op: str
    label: str
    build: Callable[[np.random.Generator], Call]
    rtol: float | None = None
    atol: float | None = None
    wrt: tuple[int, ...] = ()
    jit: bool = False
    requires: frozenset[str] = frozenset()
    grad_is_zero: bool = False

    @property
    def id(self) -> str:
        return f"{self.op}[{self.label}]"

    def arguments(self) -> Call:
        return self.build(np.random.default_rng(zlib.crc32(self.id.encode())))


def case(op: str, label: str, build: Callable[[np.random.Generator], Call], **options: Any) -> Case:
    if "requires" in options:
        options["requires"] = frozenset(options["requires"])
    return Case(op, label, build, **options)
