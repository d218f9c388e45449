"""Resource limits applied to every file before it is decompressed, parsed or allocated."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from oneiros.errors import CorruptFileError, ResourceLimitError

MIB = 1024 * 1024


@dataclasses.dataclass(frozen=True)
class LoadLimits:
    """Upper bounds for loading one file; pass ``limits=LoadLimits(...)`` to raise them."""

    max_archive_bytes: int = 8 * 1024 * MIB
    max_config_bytes: int = 16 * MIB
    max_json_depth: int = 100
    max_weights_bytes: int = 8 * 1024 * MIB
    max_header_bytes: int = 16 * MIB
    max_tensors: int = 100_000
    max_compression_ratio: int = 200


DEFAULT_LIMITS = LoadLimits()


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(item, dict):
            stack.extend((child, level + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, level + 1) for child in item)
    return deepest


def parse_json(data: bytes, what: str, limits: LoadLimits) -> Any:
    """JSON from ``data`` within the size and nesting limits, or a ModelFileError."""
    if len(data) > limits.max_config_bytes:
        raise ResourceLimitError(f"{what} is {len(data)} bytes; the limit is {limits.max_config_bytes}.")
    try:
        value = json.loads(data.decode("utf-8"))
    except RecursionError:
        raise ResourceLimitError(f"{what} nests deeper than the parser allows.") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise CorruptFileError(f"{what} is not valid UTF-8 JSON: {exc}.") from None
    depth = _depth(value)
    if depth > limits.max_json_depth:
        raise ResourceLimitError(f"{what} nests {depth} levels deep; the limit is {limits.max_json_depth}.")
    return value
