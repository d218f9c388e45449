"""A backend's declared exclusions: ``op_or_case_id: reason`` lines, ``#`` comment lines.

A key names an op (``conv``: every check of it), a case id (``conv[2d-same-stride2-dilation1-groups2]``:
its value, jit and gradient checks) or one test (``test_gradient[conv[2d-valid-stride1-dilation1-groups1]]``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class ExclusionsError(ValueError):
    """The exclusions file cannot be read or has a malformed line."""


@dataclass(frozen=True)
class Exclusion:
    key: str
    reason: str
    line: int


def parse_exclusions(path: Path) -> list[Exclusion]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ExclusionsError(f"Cannot read the conformance exclusions file {path}: {exc}") from exc
    exclusions: list[Exclusion] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, colon, reason = (part.strip() for part in line.partition(":"))
        problem = None
        if not colon:
            problem = "no ':' separating the op or case id from the reason"
        elif not key or any(char.isspace() for char in key):
            problem = f"the key {key!r} is not an op name or case id (empty, or contains spaces)"
        elif not reason:
            problem = f"{key!r} has no reason after the ':'"
        elif key in seen:
            problem = f"{key!r} is already excluded on line {seen[key]}"
        if problem:
            raise ExclusionsError(
                f"{path}:{number}: {problem}. Expected lines like 'conv_transpose: reason' or "
                f"'conv[2d-same-stride2-dilation1-groups2]: reason'; got {raw!r}."
            )
        seen[key] = number
        exclusions.append(Exclusion(key, reason, number))
    return exclusions


def matching(exclusions: list[Exclusion], keys: set[str]) -> Exclusion | None:
    """The first exclusion whose key is one of ``keys`` (an item's op, case id and names)."""
    return next((exclusion for exclusion in exclusions if exclusion.key in keys), None)
