"""Moved to the core's public :mod:`oneiros.arguments`; these names stay only until the modules
still being written against them (layers/rnn.py, _conv_lstm_cell.py, group_query_attention.py,
reversible_embedding.py, preprocessing/hashed_crossing.py) import from there."""

from __future__ import annotations

from typing import Any

from oneiros.arguments import choice, flag, positive_int

__all__ = ["choice", "flag", "optional_positive_int", "positive_int"]


def optional_positive_int(owner: str, argument: str, value: Any) -> int | None:
    return positive_int(owner, argument, value, optional=True)
