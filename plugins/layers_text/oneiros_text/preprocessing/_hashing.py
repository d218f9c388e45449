"""A stable string hash for Hashing and the OOV buckets of StringLookup.

Keras uses FarmHash64 (SipHash64 with a salt) from TensorFlow, which the standard library does
not have; here a value hashes to the first 8 bytes of its BLAKE2b digest (``hashlib.blake2b``,
``digest_size=8``, keyed by the salt), read as a little-endian unsigned int. Python's ``hash()``
is salted per process, so it is never used. Bins therefore differ from Keras's.
"""

from __future__ import annotations

import hashlib
import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np


def salt_key(owner: str, salt: Any) -> bytes | None:
    """The BLAKE2b key for ``salt``: None, an int or a pair of ints (as Keras takes it)."""
    if salt is None:
        return None
    values = list(salt) if isinstance(salt, (list, tuple)) else [salt]
    if not 1 <= len(values) <= 2 or any(isinstance(v, bool) or not isinstance(v, numbers.Integral)
                                        or not 0 <= v < 2**64 for v in values):
        raise ValueError(f"{owner}: argument `salt` must be None, a non-negative int or a pair of them below 2**64; "
                         f"received salt={salt!r}.")
    return b"".join(int(value).to_bytes(8, "little") for value in values)


def hash_strings(values: Iterable[str], num_bins: int, key: bytes | None = None) -> np.ndarray:
    """Bins in [0, num_bins) of the UTF-8 encodings of ``values``, as int64."""
    digests = [hashlib.blake2b(value.encode("utf-8"), digest_size=8, key=key or b"").digest() for value in values]
    return np.fromiter((int.from_bytes(digest, "little") % num_bins for digest in digests), dtype=np.int64,
                       count=len(digests))
