"""Plugin discovery and loading: entry points in group ``oneiros.plugins``, read once, lazily."""

from __future__ import annotations

import difflib
import importlib
import importlib.metadata as metadata
import inspect
import json
import os
import threading
import time
import types
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pluggy

from oneiros import _hookspecs
from oneiros._lazy import LazyObject
from oneiros._registry import (CORE_PLUGIN, QUALIFIER, Entry, Registry, resolve_plain_name, singular, validate_name,
                               warn_at_caller)
from oneiros._version import PLUGIN_API, __version__
from oneiros.errors import PluginError, RegistrationError, UnknownNameError

ENTRY_POINT_GROUP = "oneiros.plugins"
HOOK_NAMES = tuple(_hookspecs.REGISTRY_KINDS)

LOADED = "loaded"
DISABLED = "disabled"
FAILED = "failed"
INCOMPATIBLE = "incompatible"


class PluginWarning(UserWarning):
    """A plugin was skipped because it failed to load or is incompatible."""


@dataclass
class PluginRecord:
    """What happened to one plugin: where it came from, its status, what it registered."""

    name: str
    module: str
    distribution: str | None = None
    version: str | None = None
    status: str = LOADED
    reason: str | None = None
    import_ms: float = 0.0
    registered: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "plugin": self.name,
            "module": self.module,
            "distribution": self.distribution,
            "version": self.version,
            "status": self.status,
            "reason": self.reason,
            "import_ms": round(self.import_ms, 2),
            "registered": dict(self.registered),
        }


DIST_PREFIX = "dist:"


def _env_list(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [item.strip() for item in value.split(",") if item.strip()]


def _canonical(distribution: str) -> str:
    from packaging.utils import canonicalize_name

    return canonicalize_name(distribution)


@dataclass(frozen=True)
class PluginControls:
    """What an organisation allows: ``ONEIROS_PLUGINS``, ``ONEIROS_DISABLE_PLUGINS`` and
    ``ONEIROS_STRICT_PLUGINS``, each falling back to ``plugins``, ``disable_plugins`` and
    ``strict_plugins`` in ``$ONEIROS_HOME/config.json``. An item is a plugin (entry-point) name or
    ``dist:DISTRIBUTION``, which pins the plugin to the distribution that provides it."""

    allowed: tuple[str, ...] | None = None
    disabled: tuple[str, ...] = ()
    strict: bool = False
    allowed_source: str = "ONEIROS_PLUGINS"
    disabled_source: str = "ONEIROS_DISABLE_PLUGINS"

    @classmethod
    def read(cls, environ: Any) -> PluginControls:
        config, path = _config_file(environ)
        allowed = _env_list(environ.get("ONEIROS_PLUGINS"))
        allowed_source = "ONEIROS_PLUGINS"
        if allowed is None and "plugins" in config:
            allowed, allowed_source = _config_list(config, "plugins", path), f"plugins in {path}"
        disabled = _env_list(environ.get("ONEIROS_DISABLE_PLUGINS"))
        disabled_source = "ONEIROS_DISABLE_PLUGINS"
        if disabled is None and "disable_plugins" in config:
            disabled, disabled_source = _config_list(config, "disable_plugins", path), f"disable_plugins in {path}"
        strict_value = environ.get("ONEIROS_STRICT_PLUGINS")
        if strict_value is None:
            strict_flag = config.get("strict_plugins", False)
            if not isinstance(strict_flag, bool):
                raise PluginError(f"{path}: strict_plugins must be true or false; received {strict_flag!r}.")
            strict = strict_flag
        else:
            strict = strict_value.strip() not in ("", "0")
        return cls(
            allowed=None if allowed is None else tuple(allowed),
            disabled=tuple(disabled or ()),
            strict=strict,
            allowed_source=allowed_source,
            disabled_source=disabled_source,
        )

    @staticmethod
    def matches(item: str, record: PluginRecord) -> bool:
        if item.startswith(DIST_PREFIX):
            return record.distribution is not None and _canonical(item[len(DIST_PREFIX):]) == _canonical(
                record.distribution
            )
        return item == record.name

    def verdict(self, record: PluginRecord) -> str | None:
        """Why ``record`` must not load, or None when it may."""
        if any(self.matches(item, record) for item in self.disabled):
            return f"listed in {self.disabled_source}"
        if self.allowed is not None and not any(self.matches(item, record) for item in self.allowed):
            return f"not listed in {self.allowed_source}"
        return None

    def unmatched(self, records: Iterable[PluginRecord]) -> list[str]:
        """One message per listed item that names no installed plugin, with close matches."""
        records = [r for r in records if r.name != CORE_PLUGIN]
        names = sorted({r.name for r in records})
        distributions = sorted({f"{DIST_PREFIX}{r.distribution}" for r in records if r.distribution})
        messages = []
        for source, items in ((self.allowed_source, self.allowed or ()), (self.disabled_source, self.disabled)):
            for item in items:
                if item == CORE_PLUGIN or any(self.matches(item, r) for r in records):
                    continue
                close = difflib.get_close_matches(item, names + distributions, n=3, cutoff=0.6)
                hint = f" Did you mean: {', '.join(close)}?" if close else ""
                messages.append(
                    f"oneiros: {source} lists {item!r}, which matches no installed plugin.{hint} "
                    f"Installed plugins: {', '.join(names) or '(none)'}; pin one by distribution with "
                    f"{DIST_PREFIX}NAME ({', '.join(distributions) or 'none installed'})."
                )
        return messages


def _config_file(environ: Any) -> tuple[dict[str, Any], Path]:
    home = environ.get("ONEIROS_HOME")
    path = (Path(home) if home else Path.home() / ".oneiros") / "config.json"
    if not path.is_file():
        return {}, path
    try:
        config = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise PluginError(f"Cannot read the Oneiros config file {path}: {exc}") from exc
    if not isinstance(config, dict):
        raise PluginError(f"{path}: expected a JSON object; received {type(config).__name__}.")
    return config, path


def _config_list(config: dict[str, Any], key: str, path: Path) -> list[str]:
    value = config[key]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise PluginError(f"{path}: {key} must be a list of plugin names (or \"dist:NAME\"); received {value!r}.")
    return [item.strip() for item in value if item.strip()]


def _incompatible_requirement(dist: metadata.Distribution | None) -> str | None:
    """The distribution's requirement on ``oneiros`` when the running version does not meet it."""
    if dist is None:
        return None
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    for line in dist.requires or ():
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if canonicalize_name(requirement.name) != "oneiros":
            continue
        if requirement.marker is not None and "extra" in str(requirement.marker):
            continue
        if not requirement.specifier.contains(__version__, prereleases=True):
            return f"requires oneiros{requirement.specifier}, running oneiros {__version__}"
    return None


class PluginHost:
    """A pluggy manager plus the registries its plugins fill, with one record per plugin.

    ``autoload=False`` gives an isolated host that holds only the core and what is registered
    by hand, for testing a plugin alone.
    """

    def __init__(self, *, autoload: bool = True, environ: dict[str, str] | None = None):
        self.autoload = autoload
        self.environ = os.environ if environ is None else environ
        self.pm = pluggy.PluginManager(_hookspecs.PROJECT_NAME)
        self.pm.add_hookspecs(_hookspecs)
        self.registries = {kind: Registry(kind) for kind in _hookspecs.REGISTRY_KINDS.values()}
        self.records: dict[str, PluginRecord] = {}
        self.controls = PluginControls()
        self.control_problems: list[str] = []
        self._strict_failure: str | None = None
        self._loaded = False
        self._lock = threading.RLock()

    def registry(self, kind: str) -> Registry:
        self.load()
        try:
            return self.registries[kind]
        except KeyError:
            raise KeyError(f"No registry {kind!r}; registries: {', '.join(self.registries)}") from None

    def load(self) -> None:
        """Registers the core's built-ins, then (with autoload) every installed plugin; once.

        Under strict mode raises :class:`PluginError` naming every plugin that failed, on every
        call, so no code runs with a partial set of plugins.
        """
        self._load_once()
        if self._strict_failure is not None:
            raise PluginError(self._strict_failure)

    def _load_once(self) -> None:
        if self._loaded:
            return
        with self._lock:
            if self._loaded:
                return
            controls = PluginControls.read(self.environ) if self.autoload else PluginControls()
            self._loaded = True
            self.controls = controls
            from oneiros import _builtins

            self.register_module(_builtins, CORE_PLUGIN, distribution="oneiros", version=__version__)
            if self.autoload:
                for entry_point in self._entry_points():
                    self._load_entry_point(entry_point)
                self.control_problems = controls.unmatched(self.records.values())
                self._report_failures()

    @staticmethod
    def _entry_points() -> list[metadata.EntryPoint]:
        seen: set[tuple[str, str]] = set()
        unique = []
        for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
            key = (entry_point.name, entry_point.value)
            if key not in seen:
                seen.add(key)
                unique.append(entry_point)
        return sorted(unique, key=lambda ep: ep.name)

    def _load_entry_point(self, entry_point: metadata.EntryPoint) -> None:
        dist = entry_point.dist
        record = PluginRecord(
            name=entry_point.name,
            module=entry_point.value,
            distribution=dist.name if dist else None,
            version=dist.version if dist else None,
        )
        holder = self.records.get(record.name)
        if holder is not None and holder.status != LOADED:
            # a disabled or failed namesake leaves the plain key to the one that may load
            self.records[f"{holder.name} ({holder.distribution})"] = self.records.pop(record.name)
            holder = None
        key = record.name if holder is None else f"{record.name} ({record.distribution})"
        if (refusal := self.controls.verdict(record)) is not None:
            record.status, record.reason = DISABLED, refusal
        elif record.name == CORE_PLUGIN or holder is not None:
            record.status = FAILED
            record.reason = (
                f"plugin name {record.name!r} is already taken by "
                f"{holder.distribution if holder else 'the core'}"
            )
        elif (requirement := _incompatible_requirement(dist)) is not None:
            record.status, record.reason = INCOMPATIBLE, requirement
        else:
            self._import_and_register(entry_point, record)
        self.records[key] = record

    def _import_and_register(self, entry_point: metadata.EntryPoint, record: PluginRecord) -> None:
        started = time.perf_counter()
        try:
            module = importlib.import_module(entry_point.value)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # a broken plugin (even one calling sys.exit) must not end the program
            record.status, record.reason = FAILED, f"{type(exc).__name__}: {exc}"
            return
        finally:
            record.import_ms = (time.perf_counter() - started) * 1000
        declared_api = getattr(module, "ONEIROS_PLUGIN_API", PLUGIN_API)
        if declared_api != PLUGIN_API:
            record.status = INCOMPATIBLE
            record.reason = f"declares ONEIROS_PLUGIN_API={declared_api!r}, core provides {PLUGIN_API}"
            return
        try:
            registered = self.register_module(
                module, record.name, distribution=record.distribution, version=record.version
            )
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            record.status, record.reason = FAILED, f"{type(exc).__name__}: {exc}"
            return
        record.registered = registered.registered

    def failures(self) -> list[PluginRecord]:
        """The plugins that failed to load or are incompatible."""
        return [r for r in self.records.values() if r.status in (FAILED, INCOMPATIBLE)]

    def _failure_message(self, record: PluginRecord) -> str:
        skip_value = ",".join([*self.controls.disabled, record.name])
        return (
            f"oneiros: plugin {record.name!r} ({record.module}) from distribution "
            f"{record.distribution or 'unknown'} {record.version or ''}".rstrip()
            + f" {record.status}: {record.reason}. "
            f"To stop loading it, set ONEIROS_DISABLE_PLUGINS={skip_value}"
        )

    def problems(self) -> list[str]:
        """One message per failed plugin and per control item that names no installed plugin."""
        self._load_once()
        return [self._failure_message(r) for r in self.failures()] + self.control_problems

    def _report_failures(self) -> None:
        messages = self.problems()
        if not messages:
            return
        if self.controls.strict:
            self._strict_failure = (
                f"Strict plugin loading (ONEIROS_STRICT_PLUGINS or strict_plugins in the config file) "
                f"refuses to run: {len(messages)} problem(s):\n" + "\n".join(messages)
            )
            return
        for record in self.failures():
            warn_at_caller(self._failure_message(record).replace(
                f"plugin {record.name!r}", f"skipped plugin {record.name!r}", 1), PluginWarning)
        for problem in self.control_problems:
            warn_at_caller(problem, PluginWarning)

    def register_module(
        self,
        module: types.ModuleType | object,
        name: str,
        *,
        distribution: str | None = None,
        version: str | None = None,
    ) -> PluginRecord:
        """Registers one plugin module, runs its hooks and commits what they register, atomically.

        Raises :class:`RegistrationError` (and changes nothing) on a misspelled hook, a hook
        that raises, an invalid registration or a name clash inside the same registry.
        """
        with self._lock:
            if name in self.records and self.records[name].status == LOADED:
                raise RegistrationError(f"A plugin named {name!r} is already registered.", plugin=name)
            check_hook_names(module, name)
            try:
                self.pm.register(module, name=name)
            except pluggy.PluginValidationError as exc:
                raise RegistrationError(f"Plugin {name!r}: {exc}", plugin=name) from exc
            try:
                staged = self._run_hooks(module, name, distribution)
                self._commit(staged, name)
            except BaseException:
                self.pm.unregister(module)
                raise
            record = PluginRecord(
                name=name,
                module=getattr(module, "__name__", repr(module)),
                distribution=distribution,
                version=version,
                registered=_count_by_kind(staged),
            )
            self.records[name] = record
            return record

    def _run_hooks(self, module: object, plugin: str, distribution: str | None) -> list[Entry]:
        staged: list[Entry] = []
        for hook_name, kind in _hookspecs.REGISTRY_KINDS.items():
            for impl in getattr(self.pm.hook, hook_name).get_hookimpls():
                if impl.plugin is not module:
                    continue
                register = _bound_register(staged, kind, plugin, distribution)
                try:
                    impl.function(**{arg: register for arg in impl.argnames})
                except (RegistrationError, KeyboardInterrupt):
                    raise
                except BaseException as exc:
                    raise PluginError(
                        f"Plugin {plugin!r} raised in {hook_name}: {type(exc).__name__}: {exc}",
                        plugin=plugin,
                        distribution=distribution,
                    ) from exc
        return staged

    def _commit(self, staged: list[Entry], plugin: str) -> None:
        problems = []
        seen: set[tuple[str, str]] = set()
        for entry in staged:
            key = (entry.kind, entry.name)
            if key in seen:
                problems.append(f"{entry.kind} {entry.name!r} is registered twice by this plugin")
            seen.add(key)
            if (reason := self.registries[entry.kind].conflict(entry)) is not None:
                problems.append(reason)
        if problems:
            raise RegistrationError(f"Plugin {plugin!r}: " + "; ".join(problems), plugin=plugin)
        for entry in staged:
            self.registries[entry.kind].add(entry)

    def unregister(self, name: str) -> None:
        """Removes a plugin and everything it registered."""
        with self._lock:
            module = self.pm.get_plugin(name)
            if module is not None:
                self.pm.unregister(module)
            for registry in self.registries.values():
                registry.remove_plugin(name)
            self.records.pop(name, None)

    def plugin_records(self) -> list[PluginRecord]:
        """Every plugin's record; never raises for strict mode, so the failures can be shown."""
        self._load_once()
        return list(self.records.values())

    def describe(self) -> list[dict[str, Any]]:
        """Each plugin's record as a dict, plus the names it registered per hook kind, the
        built-in or other plugins' names it overrides, and the names it shares without winning."""
        rows = []
        for record in self.plugin_records():
            row = record.as_dict()
            row.update(names={}, overrides=[], clashes=[])
            for kind, registry in self.registries.items():
                for entry in registry.entries():
                    if entry.plugin != record.name or record.status != LOADED:
                        continue
                    row["names"].setdefault(kind, []).append(entry.name)
                    others = [e.qualified_name for e in registry.candidates(entry.name) if e is not entry]
                    if not others:
                        continue
                    winner = resolve_plain_name(registry.candidates(entry.name))
                    if winner is entry and entry.override:
                        row["overrides"].append({"kind": kind, "name": entry.name, "replaces": others})
                    elif winner is not entry:
                        row["clashes"].append({
                            "kind": kind, "name": entry.name, "with": others,
                            "plain_name_means": winner.qualified_name if winner else None,
                        })
            rows.append(row)
        return rows


def _bound_register(
    staged: list[Entry], kind: str, plugin: str, distribution: str | None
) -> Callable[..., None]:
    def register(obj: Any, name: str | None = None, *, override: bool = False) -> None:
        if not callable(obj) and not isinstance(obj, LazyObject):
            raise RegistrationError(
                f"Plugin {plugin!r} registered {obj!r} as a {singular(kind)}; expected a class or "
                f"callable, received {type(obj).__name__}.",
                plugin=plugin,
            )
        if kind == "metrics" and (problem := _metric_contract_problem(obj)) is not None:
            raise RegistrationError(
                f"Plugin {plugin!r} registered metric {obj.__name__} that {problem}; a metric implements "
                "either initial_state(), update(state, y_true, y_pred, sample_weight=None) and compute(state) "
                "(functional), or update_state(y_true, y_pred, sample_weight=None) and result() over "
                "variables from self.add_variable(...) (Keras).",
                plugin=plugin,
            )
        default = obj.name if isinstance(obj, LazyObject) else getattr(obj, "__name__", None)
        chosen = name if name is not None else default
        staged.append(
            Entry(
                kind=kind,
                name=validate_name(kind, chosen, plugin),
                target=obj,
                plugin=plugin,
                distribution=distribution,
                override=bool(override),
            )
        )

    register.__doc__ = (f"register(obj, name=None, *, override=False): add a class, function or "
                        f"oneiros.lazy('module:Name') reference to the {kind} registry.")
    return register


FUNCTIONAL_METRIC = frozenset({"initial_state", "update", "compute"})
KERAS_METRIC = frozenset({"update_state", "result"})


def _metric_contract_problem(obj: Any) -> str | None:
    """What a subclass of ``oneiros.metrics.Metric`` lacks of either metric contract, or None.

    Read from the class's own namespaces, so the check imports nothing (not even the base class).
    """
    mro = getattr(obj, "__mro__", ())
    base = next((i for i, c in enumerate(mro)
                 if c.__name__ == "Metric" and c.__module__ == "oneiros.metrics._base"), None)
    if not base:
        return None
    defined = {name for cls in mro[:base] for name in vars(cls)}
    if FUNCTIONAL_METRIC <= defined or KERAS_METRIC <= defined:
        return None
    partial = sorted((defined & (FUNCTIONAL_METRIC | KERAS_METRIC)))
    return (f"defines only {', '.join(partial)}" if partial
            else "overrides none of the metric methods")


def check_hook_names(module: object, plugin: str) -> None:
    """Refuses hook-looking functions that match no hook spec, or that lack the marker."""
    marker = f"{_hookspecs.PROJECT_NAME}_impl"
    for attr_name, value in inspect.getmembers(module, callable):
        marked = hasattr(value, marker)
        if attr_name in HOOK_NAMES:
            if not marked:
                raise RegistrationError(
                    f"Plugin {plugin!r}: function {attr_name}{inspect.signature(value)} is named like "
                    "a hook but lacks the @oneiros.hookimpl decorator.",
                    plugin=plugin,
                )
        elif marked or attr_name.startswith("register_"):
            close = difflib.get_close_matches(attr_name, HOOK_NAMES, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else "."
            raise RegistrationError(
                f"Plugin {plugin!r}: {attr_name!r} is not a hook name{hint} "
                f"Hooks: {', '.join(HOOK_NAMES)}.",
                plugin=plugin,
            )


def _count_by_kind(entries: Iterable[Entry]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.kind] = counts.get(entry.kind, 0) + 1
    return counts


_host_lock = threading.Lock()
_host: PluginHost | None = None


def host() -> PluginHost:
    """The process-wide plugin host, created (without loading anything) on first call."""
    global _host
    if _host is None:
        with _host_lock:
            if _host is None:
                _host = PluginHost()
    return _host


def set_host(new_host: PluginHost | None) -> PluginHost | None:
    """Replaces the process-wide host (used by the testing fixtures); returns the previous one."""
    global _host
    previous, _host = _host, new_host
    return previous


def saved_plugins() -> dict[str, dict[str, str | None]]:
    """What a saved model records about the loaded plugins: distribution and version by plugin."""
    return {
        r.name: {"distribution": r.distribution, "version": r.version}
        for r in host().plugin_records()
        if r.status == LOADED and r.name != CORE_PLUGIN
    }


def missing_plugin_error(error: UnknownNameError, saved: Any) -> PluginError | None:
    """For a name a model file uses but no registry holds: an error naming the distribution and
    version to install, when the file records a plugin (``saved``, from :func:`saved_plugins`)
    that is not loaded here; None when it records none (the name is simply unknown)."""
    if not isinstance(saved, dict):
        return None
    records = {r.name: r for r in host().plugin_records()}
    missing = {name: info for name, info in saved.items()
               if isinstance(info, dict) and (name not in records or records[name].status != LOADED)}
    if QUALIFIER in str(error.name):
        plugin = str(error.name).partition(QUALIFIER)[0]
        missing = {plugin: missing[plugin]} if plugin in missing else {}
    if not missing:
        return None
    lines = []
    for name, info in sorted(missing.items()):
        distribution, version = info.get("distribution") or name, info.get("version")
        record = records.get(name)
        here = f"it is {record.status} here: {record.reason}" if record else "it is not installed here"
        pinned = f"=={version}" if version else ""
        lines.append(f"the file was saved with plugin {name!r} from distribution {distribution} "
                     f"{version or ''}".rstrip() + f"; {here}. Install it: pip install '{distribution}{pinned}'")
    return PluginError(f"Unknown {error.kind} {error.name!r}: " + "; also, ".join(lines) + ".",
                       plugin=next(iter(missing)), distribution=next(iter(missing.values())).get("distribution"))
