"""User settings that are switches: an environment variable first, then a key of
``$ONEIROS_HOME/config.json``, then the default. Read at the moment of use, never at import."""

from __future__ import annotations

import json
import os
from pathlib import Path

from oneiros.errors import OneirosError

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def home() -> Path:
    """``$ONEIROS_HOME``, else ``~/.oneiros``: where the config file, caches and remembered choices live."""
    value = os.environ.get("ONEIROS_HOME")
    return Path(value) if value else Path.home() / ".oneiros"


def _config_value(key: str) -> object:
    path = home() / "config.json"
    if not path.is_file():
        return None
    try:
        config = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise OneirosError(f"Cannot read the Oneiros config file {path}: {exc}") from exc
    return config.get(key) if isinstance(config, dict) else None


def switch(variable: str, key: str, default: bool = True) -> bool:
    """The setting named ``variable`` in the environment or ``key`` in config.json, as a bool."""
    raw = os.environ.get(variable)
    if raw is not None and raw.strip():
        word = raw.strip().lower()
        if word not in _TRUE + _FALSE:
            raise OneirosError(f"{variable}={raw!r}: expected one of {', '.join(_TRUE + _FALSE)}.")
        return word in _TRUE
    value = _config_value(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise OneirosError(f"{home() / 'config.json'}: {key} must be true or false; received {value!r}.")
    return value
