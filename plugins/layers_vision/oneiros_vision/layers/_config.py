"""Config values as JSON keeps them."""

from __future__ import annotations

from typing import Any


def as_list(values: Any) -> Any:
    """Tuples (also nested) as lists, so a config equals itself after a JSON round trip."""
    if isinstance(values, (list, tuple)):
        return [as_list(value) for value in values]
    return values
