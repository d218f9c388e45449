"""The kit's pytest wiring: which backend is checked, its exclusions, and the summary it prints."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from oneiros.backend import Backend, get_backend
from oneiros.errors import OneirosError
from oneiros.testing.conformance._case import Case
from oneiros.testing.conformance._exclusions import Exclusion, ExclusionsError, matching, parse_exclusions
from oneiros.testing.conformance._running import run_eager

REFERENCE = "numpy"
KIT_DIRECTORY = Path(__file__).resolve().parent


@dataclass
class ExclusionReport:
    backend: str
    path: Path | None
    exclusions: list[Exclusion]
    skipped: Counter[str] = field(default_factory=Counter)


_BACKEND = pytest.StashKey[Backend]()
_REPORT = pytest.StashKey[ExclusionReport]()


def backend_under_test(config: pytest.Config) -> Backend:
    """The backend named by ``--oneiros-backend``, else the active default; resolved once."""
    if _BACKEND not in config.stash:
        name = config.getoption("--oneiros-backend")
        try:
            config.stash[_BACKEND] = get_backend(name)
        except (OneirosError, ImportError) as exc:
            raise pytest.UsageError(
                f"The conformance kit cannot load backend {name or '(default)'!r}: {exc}"
            ) from exc
    return config.stash[_BACKEND]


def reference_backend() -> Backend:
    return get_backend(REFERENCE)


def require(backend: Backend, capabilities: Iterable[str]) -> None:
    """Skips the running test, saying why, unless ``backend`` declares every capability."""
    missing = sorted(set(capabilities) - set(backend.capabilities))
    if missing:
        pytest.skip(f"the backend {backend.name!r} does not declare {', '.join(missing)}")


def require_reference_for(case: Case, reference: Backend) -> None:
    """Skips the running test when the reference cannot run ``case``.

    The reference need not declare a capability to serve as the oracle for it (numpy does
    bfloat16 through the optional ml_dtypes package), so a trial run decides.
    """
    if set(case.requires) <= set(reference.capabilities):
        return
    try:
        run_eager(reference, case)
    except Exception as exc:  # whatever stops the reference, the case cannot be judged
        pytest.skip(f"the reference {reference.name!r} cannot run this case: {type(exc).__name__}: {exc}")


def _in_kit(item: pytest.Item) -> bool:
    return Path(item.path).resolve().is_relative_to(KIT_DIRECTORY)


def item_keys(item: pytest.Item) -> set[str]:
    """The names an exclusion may use for ``item``: its op, case id and test names."""
    keys = {item.name, getattr(item, "originalname", item.name)}
    callspec = getattr(item, "callspec", None)
    checked = callspec.params.get("case") if callspec is not None else None
    if checked is not None:
        keys |= {checked.op, checked.id}
    return keys


def apply_exclusions(config: pytest.Config, items: list[pytest.Item]) -> None:
    kit_items = [item for item in items if _in_kit(item)]
    if not kit_items:
        return
    backend = backend_under_test(config)
    path = backend.conformance_exclusions
    try:
        exclusions = parse_exclusions(Path(path)) if path is not None else []
    except ExclusionsError as exc:
        raise pytest.UsageError(f"Backend {backend.name!r} declares conformance exclusions that "
                                f"cannot be used: {exc}") from exc
    report = ExclusionReport(backend.name, Path(path) if path is not None else None, exclusions)
    config.stash[_REPORT] = report
    for item in kit_items:
        exclusion = matching(exclusions, item_keys(item))
        if exclusion is not None:
            report.skipped[exclusion.key] += 1
            item.add_marker(pytest.mark.skip(
                reason=f"excluded by backend {backend.name!r} ({report.path.name}:{exclusion.line}): "
                       f"{exclusion.reason}"))


def summary_lines(report: ExclusionReport) -> tuple[str, list[str]]:
    if report.path is None:
        return f"oneiros conformance: backend {report.backend!r} declares no exclusions", []
    title = (f"oneiros conformance: backend {report.backend!r} declares {len(report.exclusions)} "
             f"exclusion(s) in {report.path}")
    lines = []
    for exclusion in report.exclusions:
        count = report.skipped[exclusion.key]
        effect = f"skipped {count} test(s)" if count else "matched no selected test"
        lines.append(f"{exclusion.key}: {exclusion.reason}  [{effect}]")
    return title, lines


def write_summary(reporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    report = config.stash.get(_REPORT, None)
    if report is None:
        return
    title, lines = summary_lines(report)
    reporter.write_sep("=", title)
    for line in lines:
        reporter.write_line(line)
