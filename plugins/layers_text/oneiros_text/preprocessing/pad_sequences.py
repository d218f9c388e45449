"""pad_sequences: the core's ``oneiros.utils.pad_sequences``, importable from the text plugin too."""

from __future__ import annotations

from oneiros.utils._sequences import pad_sequences

__all__ = ["pad_sequences"]
