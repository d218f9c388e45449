"""Hooks and fixtures of the conformance kit (loaded by pytest when it collects the kit)."""

from __future__ import annotations

import pytest

from oneiros.backend import Backend
from oneiros.testing.conformance import _session


@pytest.hookimpl(trylast=True)  # after -k/-m deselection, so the summary counts what ran
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _session.apply_exclusions(config, items)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    _session.write_summary(terminalreporter, config)


@pytest.fixture(scope="session")
def backend_under_test(pytestconfig: pytest.Config) -> Backend:
    return _session.backend_under_test(pytestconfig)


@pytest.fixture(scope="session")
def reference_backend() -> Backend:
    return _session.reference_backend()
