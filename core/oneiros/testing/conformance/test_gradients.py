"""Trainable backends: value_and_grad of every differentiable op against finite differences."""

from __future__ import annotations

import pytest

from oneiros.backend import TRAINABLE, Backend
from oneiros.testing.conformance._case import Case
from oneiros.testing.conformance._catalogue import GRADIENT_CASES
from oneiros.testing.conformance._gradients import check_gradient
from oneiros.testing.conformance._session import require, require_reference_for


@pytest.mark.parametrize("case", GRADIENT_CASES, ids=lambda case: case.id)
def test_gradient(case: Case, backend_under_test: Backend, reference_backend: Backend) -> None:
    require(backend_under_test, {TRAINABLE} | case.requires)
    require_reference_for(case, reference_backend)
    check_gradient(backend_under_test, reference_backend, case)
