"""Keras 3 arguments of ``Model.save`` and ``Model.save_weights`` that Oneiros's files do not have."""

from __future__ import annotations

from typing import Any


def check_save_arguments(zipped: Any, extra: dict[str, Any]) -> None:
    """``zipped`` None or True; Keras's other keyword arguments (``save_format``) refused by name."""
    if extra:
        raise TypeError(f"Model.save got unexpected keyword arguments {sorted(extra)}; expected filepath, overwrite, "
                        "zipped (Keras 3 dropped save_format: the suffix picks the format).")
    if zipped not in (None, True):
        raise NotImplementedError(
            f"Model.save(zipped={zipped!r}): Keras's unzipped folder layout is not written by Oneiros; .keras and "
            ".oneiros files are zip archives (zipped=None or True).")


def check_weights_arguments(max_shard_size: Any) -> None:
    if max_shard_size is not None:
        raise NotImplementedError(
            f"Model.save_weights(max_shard_size={max_shard_size!r}): Keras's sharded layout (a .weights.json index "
            "and .weights.h5 shards) is not written by Oneiros; save without max_shard_size (one .weights.h5 or "
            ".safetensors file).")
