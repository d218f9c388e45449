"""Random ops on the backend alone: determinism per seed, and statistics of 10^5 samples."""

from __future__ import annotations

import pytest

from oneiros.backend import Backend, backend_scope
from oneiros.testing.conformance._catalogue import RANDOM_CHECKS
from oneiros.testing.conformance._random_checks import RandomCheck
from oneiros.testing.conformance._session import require


@pytest.mark.parametrize("case", RANDOM_CHECKS, ids=lambda check: check.id)
def test_random(case: RandomCheck, backend_under_test: Backend) -> None:
    require(backend_under_test, case.requires)
    with backend_scope(backend_under_test):
        case.run(backend_under_test)
