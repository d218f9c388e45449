"""``oi.preprocessing.sequence``: Keras's ``keras.preprocessing.sequence`` (``pad_sequences``)."""

from __future__ import annotations

from oneiros.utils._sequences import pad_sequences

__all__ = ["pad_sequences"]
