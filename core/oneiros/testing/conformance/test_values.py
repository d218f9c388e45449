"""Every case: the backend's values, dtype names and shapes equal the numpy reference's."""

from __future__ import annotations

import pytest

from oneiros.backend import JIT, Backend
from oneiros.testing.conformance._case import Case
from oneiros.testing.conformance._catalogue import CASES, JIT_CASES
from oneiros.testing.conformance._compare import assert_same_outcome
from oneiros.testing.conformance._running import run_eager, run_jitted
from oneiros.testing.conformance._session import require, require_reference_for


def _require_both(case: Case, backend: Backend, reference: Backend) -> None:
    require(backend, case.requires)
    require_reference_for(case, reference)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_values(case: Case, backend_under_test: Backend, reference_backend: Backend) -> None:
    _require_both(case, backend_under_test, reference_backend)
    assert_same_outcome(case, run_eager(backend_under_test, case), run_eager(reference_backend, case))


@pytest.mark.parametrize("case", JIT_CASES, ids=lambda case: case.id)
def test_values_under_jit(case: Case, backend_under_test: Backend, reference_backend: Backend) -> None:
    require(backend_under_test, {JIT})
    _require_both(case, backend_under_test, reference_backend)
    assert_same_outcome(case, run_jitted(backend_under_test, case), run_eager(reference_backend, case))
