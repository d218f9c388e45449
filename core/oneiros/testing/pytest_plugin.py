"""The pytest plugin the core ships (entry point ``pytest11``): options and fixtures."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("oneiros")
    group.addoption(
        "--oneiros-backend",
        action="store",
        default=None,
        help="backend the conformance kit checks against the numpy reference (e.g. jax)",
    )


@pytest.fixture
def oneiros_backend_name(request: pytest.FixtureRequest) -> str:
    """The backend named by ``--oneiros-backend`` (default: the ``ONEIROS_BACKEND`` choice)."""
    name = request.config.getoption("--oneiros-backend")
    if name is None:
        from oneiros.backend import get_backend

        name = get_backend().name
    return name
