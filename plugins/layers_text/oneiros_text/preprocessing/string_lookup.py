"""StringLookup: strings to vocabulary indices (or back), on the host."""

from __future__ import annotations

from typing import Any

import numpy as np

from oneiros_text.preprocessing._hashing import hash_strings, salt_key
from oneiros_text.preprocessing._host import as_strings
from oneiros_text.preprocessing._index_lookup import IndexLookup


class StringLookup(IndexLookup):
    """Maps strings to indices in a vocabulary, with Keras 3's arguments and index layout: in
    ``output_mode="int"`` the ``mask_token`` (if set) is index 0, then ``num_oov_indices``
    indices for unknown strings (``oov_token``), then the vocabulary. ``output_mode``
    ``"one_hot"``, ``"multi_hot"``, ``"count"`` or ``"tf_idf"`` encodes each sample instead
    (float32, ``pad_to_max_tokens`` pads to ``max_tokens``). ``invert=True`` maps indices back
    to strings (a numpy array). The vocabulary comes from ``adapt(data)`` or ``vocabulary=[...]``
    (a list; a path is refused) and is saved in the config.

    It runs in numpy on the host, not in compiled code: apply it to data before ``fit``. With
    several OOV indices an unknown string goes to bucket ``fingerprint64(string) % num_oov_indices``
    (FarmHash, as Keras).

    Example::

        layer = StringLookup(vocabulary=["a", "b", "c"])
        layer(np.array([["a", "c"], ["d", "b"]]))     # [[1, 3], [0, 2]]  (0 = "[UNK]")
    """

    def __init__(self, max_tokens: int | None = None, num_oov_indices: int = 1, mask_token: str | None = None,
                 oov_token: str = "[UNK]", vocabulary: Any = None, idf_weights: Any = None, invert: bool = False,
                 output_mode: str = "int", pad_to_max_tokens: bool = False, salt: Any = None,
                 encoding: str = "utf-8", **kwargs: Any):
        key = salt_key(type(self).__name__, salt)
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary=vocabulary, idf_weights=idf_weights, invert=invert,
                         output_mode=output_mode, pad_to_max_tokens=pad_to_max_tokens,
                         oov_buckets=lambda tokens, buckets: hash_strings(tokens, buckets, key), convert_token=str,
                         **kwargs)
        self.salt = salt
        self.encoding = encoding

    def _tokens(self, array: np.ndarray) -> list:
        return as_strings(type(self).__name__, array, self.encoding).reshape(-1).tolist()

    def get_config(self) -> dict[str, Any]:
        salt = list(self.salt) if isinstance(self.salt, tuple) else self.salt
        return {**super().get_config(), **self._lookup_config(), "salt": salt, "encoding": self.encoding}
