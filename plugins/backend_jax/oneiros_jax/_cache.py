"""JAX's persistent compilation cache under ``$ONEIROS_HOME/cache/jax``, so that a second run of
the same program loads its compiled steps instead of compiling them again.

Set when the jax backend is first activated (never when oneiros is imported). Opt out with
``ONEIROS_COMPILATION_CACHE=0`` or ``"compilation_cache": false`` in ``$ONEIROS_HOME/config.json``.
A cache directory the user configured for JAX themselves is left as it is.
"""

from __future__ import annotations

import jax
from oneiros._settings import home, switch

MAX_BYTES = 1 << 30
"""The cache's bound: JAX evicts the least recently used entries beyond it."""
MIN_COMPILE_SECONDS = 0.0
"""Every program is cached: on a cold machine even the eager ops that build a model's weights
compile in tens of milliseconds each, and they add up to a large share of the first epoch."""


def configure_compilation_cache() -> None:
    if not switch("ONEIROS_COMPILATION_CACHE", "compilation_cache") or jax.config.jax_compilation_cache_dir:
        return
    directory = home() / "cache" / "jax"
    jax.config.update("jax_compilation_cache_dir", str(directory))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", MIN_COMPILE_SECONDS)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    jax.config.update("jax_compilation_cache_max_size", MAX_BYTES)
