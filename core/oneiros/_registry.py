"""Registries of named objects, one per hook kind, holding where each object came from."""

from __future__ import annotations

import logging
import re
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from dataclasses import dataclass
from typing import Any

from oneiros._lazy import LazyObject
from oneiros.errors import AmbiguousNameError, RegistrationError, UnknownNameError

logger = logging.getLogger("oneiros.plugins")

CORE_PLUGIN = "core"
QUALIFIER = ">"
SNAKE_CASE_KINDS = frozenset({"metrics", "losses"})
"""Kinds whose class names also resolve in snake_case (``running_max`` -> ``RunningMax``), as in Keras."""


def _snake_case(name: str) -> str:
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)).lower()


@dataclass(frozen=True)
class Entry:
    """One registered object (or a lazy reference to it) and its provenance."""

    kind: str
    name: str
    target: Any
    plugin: str
    distribution: str | None = None
    override: bool = False

    @property
    def qualified_name(self) -> str:
        return f"{self.plugin}{QUALIFIER}{self.name}"

    @property
    def is_lazy(self) -> bool:
        return isinstance(self.target, LazyObject)

    @property
    def obj(self) -> Any:
        """The registered object, importing it first when it was registered lazily."""
        if not self.is_lazy:
            return self.target
        try:
            return self.target.resolve()
        except Exception as exc:
            raise RegistrationError(
                f"{self.kind} {self.qualified_name!r} from {self.distribution or self.plugin} refers to "
                f"{self.target.reference!r}, which cannot be imported: {type(exc).__name__}: {exc}",
                plugin=self.plugin, distribution=self.distribution,
            ) from exc


_PACKAGE_DIR = str(Path(__file__).resolve().parent)


def warn_at_caller(message: str, category: type[Warning]) -> None:
    """Warns with the location of the first frame outside the oneiros package: the user's line
    that triggered plugin loading, not the loader's own."""
    frame, level = sys._getframe(1), 2
    while frame is not None and str(Path(frame.f_code.co_filename).resolve()).startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


class NameOverrideWarning(UserWarning):
    """A plugin registered a name another plugin (or the core) already has: says which one wins."""


def resolve_plain_name(candidates: list[Entry]) -> Entry | None:
    """Which of the entries sharing one plain name that name means, or None when it is ambiguous.

    In order: the only entry; the one explicit override; the core's built-in (a plugin cannot
    take a core name by accident); the entry of the plugin named like the object (backend ``jax``
    from plugin ``jax``). Two other plugins registering one name stay ambiguous until qualified.
    """
    if len(candidates) == 1:
        return candidates[0]
    overriding = [e for e in candidates if e.override]
    if overriding:
        return overriding[0] if len(overriding) == 1 else None
    for preferred in ([e for e in candidates if e.plugin == CORE_PLUGIN],
                      [e for e in candidates if e.plugin == e.name]):
        if len(preferred) == 1:
            return preferred[0]
    return None


def validate_name(kind: str, name: object, plugin: str) -> str:
    if not isinstance(name, str) or not name or QUALIFIER in name or name != name.strip():
        raise RegistrationError(
            f"Plugin {plugin!r} registered a {kind} under the name {name!r}; expected a non-empty "
            f"string without surrounding spaces and without {QUALIFIER!r}.",
            plugin=plugin,
        )
    return name


def singular(kind: str) -> str:
    """One object of a registry kind, for messages: "losses" -> "loss", "data_loaders" -> "data loader"."""
    words = kind.replace("_", " ")
    return words[:-2] if words.endswith("sses") else words[:-1]


class Registry:
    """Named objects of one kind (layers, losses...), looked up by plain or qualified name."""

    def __init__(self, kind: str):
        self.kind = kind
        self._by_qualified: dict[str, Entry] = {}
        self._by_plain: dict[str, list[Entry]] = {}
        self._by_object: dict[int, Entry] = {}

    def add(self, entry: Entry) -> None:
        """Adds one entry; callers check conflicts first with :meth:`conflicts`."""
        self._by_qualified[entry.qualified_name] = entry
        self._by_plain.setdefault(entry.name, []).append(entry)
        if not entry.is_lazy:
            self._by_object.setdefault(id(entry.target), entry)
        others = [e for e in self._by_plain[entry.name] if e is not entry]
        if entry.override and others:
            replaced = ", ".join(e.qualified_name for e in others)
            logger.info("%s %s overrides %s", self.kind, entry.qualified_name, replaced)
            if any(e.plugin == CORE_PLUGIN for e in others):
                warn_at_caller(f"Plugin {entry.plugin!r} ({entry.distribution or 'no distribution'}) overrides the "
                              f"built-in {singular(self.kind)} {entry.name!r}: {self.kind}.{entry.name} now gives "
                              f"{entry.qualified_name}; {replaced} stays reachable by its qualified name.",
                              NameOverrideWarning)
        elif others and resolve_plain_name(self._by_plain[entry.name]) is not entry and entry.plugin != CORE_PLUGIN:
            kept = resolve_plain_name(self._by_plain[entry.name])
            if kept is not None:
                warn_at_caller(f"Plugin {entry.plugin!r} ({entry.distribution or 'no distribution'}) registers "
                              f"{singular(self.kind)} {entry.name!r}, which {kept.qualified_name} already provides: "
                              f"{entry.name!r} keeps meaning {kept.qualified_name}; use "
                              f"{entry.qualified_name!r} for the plugin's, or register it with override=True.",
                              NameOverrideWarning)

    def conflict(self, entry: Entry) -> str | None:
        """Says why ``entry`` cannot be added, or None when it can."""
        if entry.qualified_name in self._by_qualified:
            return f"{self.kind} {entry.qualified_name!r} is already registered"
        existing = self._by_plain.get(entry.name, [])
        if entry.override and any(e.override for e in existing):
            others = ", ".join(e.qualified_name for e in existing if e.override)
            return f"{self.kind} {entry.name!r} is already overridden by {others}"
        return None

    def candidates(self, name: str) -> list[Entry]:
        """Every entry registered under the plain ``name``."""
        return list(self._by_plain.get(name, []))

    def remove_plugin(self, plugin: str) -> None:
        for entry in [e for e in self._by_qualified.values() if e.plugin == plugin]:
            del self._by_qualified[entry.qualified_name]
            self._by_plain[entry.name].remove(entry)
            if not self._by_plain[entry.name]:
                del self._by_plain[entry.name]
            key = id(entry.target._resolved if entry.is_lazy else entry.target)
            if self._by_object.get(key) is entry:
                del self._by_object[key]

    def entry(self, name: str) -> Entry:
        """The entry for a qualified ``plugin>Name`` or a plain name registered once."""
        if not isinstance(name, str):
            raise TypeError(f"{self.kind} names are strings; received {type(name).__name__} {name!r}")
        if QUALIFIER in name:
            try:
                return self._by_qualified[name]
            except KeyError:
                raise UnknownNameError(self.kind, name, self._by_qualified) from None
        candidates = self._by_plain.get(name) or self._snake_case_candidates(name)
        if not candidates:
            raise UnknownNameError(self.kind, name, list(self._by_plain) + list(self._by_qualified))
        chosen = resolve_plain_name(candidates)
        if chosen is None:
            raise AmbiguousNameError(self.kind, name, [e.qualified_name for e in candidates])
        return chosen

    def _snake_case_candidates(self, name: str) -> list[Entry]:
        if self.kind not in SNAKE_CASE_KINDS or name != name.lower():
            return []
        return [e for plain, entries in self._by_plain.items() if _snake_case(plain) == name for e in entries]

    def get(self, name: str) -> Any:
        return self.entry(name).obj

    def entry_for(self, obj: Any) -> Entry | None:
        """The entry that registered ``obj`` (first registration wins), if any; lazy entries that
        could hold it are imported to find out."""
        found = self._by_object.get(id(obj))
        if found is not None:
            return found
        for entry in self._by_qualified.values():
            if entry.is_lazy and entry.target.reference.partition(":")[0] == getattr(obj, "__module__", None):
                self._by_object.setdefault(id(entry.obj), entry)
        return self._by_object.get(id(obj))

    def names(self) -> list[str]:
        return sorted(self._by_plain)

    def entries(self) -> list[Entry]:
        return sorted(self._by_qualified.values(), key=lambda e: e.qualified_name)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and (name in self._by_plain or name in self._by_qualified)

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self._by_qualified)
