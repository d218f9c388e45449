"""CountingBackend: every op of ``oneiros.ops.CONTRACT`` delegated to the numpy reference and counted."""

from __future__ import annotations

import functools
import types
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from oneiros.backends.numpy_reference import NumpyBackend
from oneiros.ops import CONTRACT

CALLS: Counter[str] = Counter()
"""How many times each op ran on this backend, by op name."""


def _counted(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        CALLS[name] += 1
        return function(*args, **kwargs)

    return run


class CountingBackend(NumpyBackend):
    """The numpy reference (eager, inference only), with a count of every op call in ``CALLS``.

    Example::

        import oneiros as oi
        from oneiros_counting.backend import CALLS

        with oi.backend_scope("counting"):
            oi.ops.add(oi.ops.ones((2,)), 1.0)
        assert CALLS["add"] == 1
    """

    name: ClassVar[str] = "counting"
    # derived ops the reference leaves to their contract definition run on the counted natives
    ops = types.SimpleNamespace(**{name: _counted(name, getattr(NumpyBackend.ops, name)) for name in CONTRACT
                                   if hasattr(NumpyBackend.ops, name)})
    conformance_exclusions: ClassVar[Path | None] = Path(__file__).with_name("conformance_exclusions.txt")
