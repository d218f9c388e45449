"""Every check of the kit in one place, and what it covers of the op contract."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from oneiros.backend import TRAINABLE
from oneiros.ops import CONTRACT, OpSpec
from oneiros.testing.conformance import (
    _cases_activations,
    _cases_control,
    _cases_core,
    _cases_image,
    _cases_linalg,
    _cases_math,
    _cases_nn,
    _cases_shape,
    _cases_signal,
    _random_checks,
    _transform_checks,
)
from oneiros.testing.conformance._case import Case

CASES: list[Case] = [
    *_cases_core.CASES,
    *_cases_math.CASES,
    *_cases_shape.CASES,
    *_cases_nn.CASES,
    *_cases_control.CASES,
    *_cases_linalg.CASES,
    *_cases_signal.CASES,
    *_cases_image.CASES,
    *_cases_activations.CASES,
]
RANDOM_CHECKS = _random_checks.CHECKS
TRANSFORM_CHECKS = _transform_checks.CHECKS
GRADIENT_CASES = [case for case in CASES if case.wrt]
JIT_CASES = [case for case in CASES if case.jit]


def ops_without_checks(contract: Mapping[str, OpSpec] = CONTRACT) -> list[str]:
    """Contract ops that no case or random check exercises."""
    covered = {case.op for case in CASES} | {check.op for check in (*RANDOM_CHECKS, *TRANSFORM_CHECKS)}
    return sorted(set(contract) - covered)


def ops_without_gradient_checks(contract: Mapping[str, OpSpec] = CONTRACT) -> list[str]:
    """Differentiable contract ops whose gradient no case or random check verifies."""
    covered = {case.op for case in GRADIENT_CASES}
    covered |= {check.op for check in (*RANDOM_CHECKS, *TRANSFORM_CHECKS) if TRAINABLE in check.requires}
    return sorted(name for name, spec in contract.items() if spec.differentiable and name not in covered)


def duplicate_ids(checks: Iterable[Case | _random_checks.RandomCheck]) -> list[str]:
    return sorted(name for name, count in Counter(check.id for check in checks).items() if count > 1)

