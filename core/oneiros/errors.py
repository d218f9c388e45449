"""The exception types Oneiros raises; every one says what it received and what it expected."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class OneirosError(Exception):
    """Base class of every error Oneiros raises on purpose."""


class PluginError(OneirosError):
    """A plugin could not be loaded, or broke the plugin contract."""

    def __init__(self, message: str, *, plugin: str | None = None, distribution: str | None = None):
        super().__init__(message)
        self.plugin = plugin
        self.distribution = distribution


class RegistrationError(PluginError):
    """A plugin registered something invalid (duplicate name, non-callable, unknown hook...)."""


class UnknownNameError(OneirosError, KeyError):
    """A name was looked up in a registry that holds nothing under it."""

    def __init__(self, kind: str, name: str, known: Iterable[str]):
        known = sorted(known)
        close = difflib.get_close_matches(name, known, n=5, cutoff=0.6)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        listing = ", ".join(known) if len(known) <= 40 else ", ".join(known[:40]) + ", ..."
        message = f"Unknown {kind} {name!r}.{hint} Registered {kind}: {listing or '(none)'}."
        super().__init__(message)
        self.kind = kind
        self.name = name
        self.close_matches = close

    def __str__(self) -> str:
        return str(self.args[0])


class AmbiguousNameError(OneirosError, LookupError):
    """A plain name is registered by more than one plugin."""

    def __init__(self, kind: str, name: str, qualified: Iterable[str]):
        qualified = sorted(qualified)
        message = (
            f"The {kind} name {name!r} is registered by several plugins: {', '.join(qualified)}. "
            f"Use a qualified name (for example {qualified[0]!r}), or set ONEIROS_DISABLE_PLUGINS "
            "to the plugin you do not want."
        )
        super().__init__(message)
        self.kind = kind
        self.name = name
        self.qualified = qualified


class CapabilityError(OneirosError, NotImplementedError):
    """A backend was asked for something it declares it cannot do."""

    def __init__(self, backend: str, capability: str, available: Iterable[str] = ()):
        available = sorted(available)
        message = (
            f"Backend {backend!r} does not support {capability!r}"
            f" (its capabilities: {', '.join(available) or 'none'})."
        )
        super().__init__(message)
        self.backend = backend
        self.capability = capability


class OpError(OneirosError, ValueError):
    """An op received inputs it cannot work on (shapes, dtypes, arguments)."""


class ModelFileError(OneirosError):
    """A model or weights file cannot be loaded; the subclass says why."""


class UnsafeConfigError(ModelFileError):
    """A config asks for something that carries code (a Lambda...) while safe_mode is on."""


class ArchiveSecurityError(ModelFileError):
    """An archive member is unexpected, absolute, climbs with '..', uses '\\' or is a link."""


class ResourceLimitError(ModelFileError):
    """A file would exceed a size, count, depth or memory limit if loaded."""


class CorruptFileError(ModelFileError):
    """A file is truncated, malformed, or its content contradicts itself."""


class WeightsMismatchError(ModelFileError):
    """Stored weights do not match the model's (missing, extra, shape, dtype, non-finite)."""
