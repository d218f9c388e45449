"""The string hash of Hashing and of the out-of-vocabulary buckets of StringLookup and
TextVectorization: Keras's (TensorFlow's), so the bins are Keras's. Without a salt a value's bin is
its FarmHash ``Fingerprint64`` modulo the bins (``tf.strings.to_hash_bucket_fast``; pyfarmhash);
with one, its SipHash-2-4 keyed by the salt's two 64-bit halves (``to_hash_bucket_strong``;
siphashc). Both hash the UTF-8 bytes, and are stable across processes and machines (Python's
``hash()`` is salted per process, so it is never used).
"""

from __future__ import annotations

import numbers
import struct
from collections.abc import Iterable
from typing import Any

import numpy as np


def salt_key(owner: str, salt: Any) -> bytes | None:
    """The 16-byte SipHash key for ``salt``: None, an int (used for both halves, as Keras does) or a
    pair of ints, each in [0, 2**64)."""
    if salt is None:
        return None
    values = list(salt) if isinstance(salt, (list, tuple)) else [salt, salt]
    if len(values) != 2 or any(isinstance(v, bool) or not isinstance(v, numbers.Integral) or not 0 <= v < 2**64
                               for v in values):
        raise ValueError(f"{owner}: argument `salt` must be None, a non-negative int or a pair of them below 2**64; "
                         f"received salt={salt!r}.")
    return struct.pack("<QQ", *values)


def hash_strings(values: Iterable[str], num_bins: int, key: bytes | None = None) -> np.ndarray:
    """Bins in [0, num_bins) of the UTF-8 encodings of ``values``, as int64."""
    if key is None:
        import farmhash

        hashes = [farmhash.fingerprint64(value.encode("utf-8")) for value in values]
    else:
        import siphashc

        hashes = [siphashc.siphash(key, value.encode("utf-8")) for value in values]
    return np.fromiter((value % num_bins for value in hashes), dtype=np.int64, count=len(hashes))
