"""Comparing a backend's outcome with the reference's: structure, dtype names, shapes, values."""

from __future__ import annotations

import numpy as np

from oneiros.dtypes import FLOATS
from oneiros.testing.conformance._case import Case
from oneiros.testing.conformance._running import Observed, Outcome

# (rtol, atol) per float dtype. atol is scaled by the largest reference magnitude of the
# output (floored at 1), so sums and convolutions of large values are judged by their scale.
TOLERANCES = {"float32": (1e-5, 1e-6), "float16": (5e-3, 5e-3), "bfloat16": (3e-2, 3e-2)}


def tolerance(case: Case, dtype: str) -> tuple[float, float]:
    rtol, atol = TOLERANCES[dtype]
    return max(rtol, case.rtol or 0.0), max(atol, case.atol or 0.0)


def _assert_leaf(case: Case, index: int, got: Observed, want: Observed) -> None:
    where = f"{case.id}, output leaf {index}"
    if not want.is_array:
        assert not got.is_array and type(got.value) is type(want.value) and got.value == want.value, (
            f"{where}: got {got.value!r} ({type(got.value).__name__}), "
            f"reference gives {want.value!r} ({type(want.value).__name__})"
        )
        return
    assert got.is_array, f"{where}: got the Python value {got.value!r}; the reference gives a tensor"
    assert got.dtype == want.dtype, f"{where}: dtype {got.dtype}, reference dtype {want.dtype}"
    assert got.value.shape == want.value.shape, (
        f"{where}: shape {got.value.shape}, reference shape {want.value.shape}"
    )
    if want.dtype in FLOATS:
        expected = np.asarray(want.value, dtype=np.float64)
        actual = np.asarray(got.value, dtype=np.float64)
        rtol, atol = tolerance(case, want.dtype)
        finite = expected[np.isfinite(expected)]
        scale = max(1.0, float(np.max(np.abs(finite)))) if finite.size else 1.0
        np.testing.assert_allclose(
            actual, expected, rtol=rtol, atol=atol * scale, equal_nan=True,
            err_msg=f"{where} ({want.dtype}, rtol={rtol}, atol={atol * scale:.3g})",
        )
    else:
        np.testing.assert_array_equal(got.value, want.value, err_msg=f"{where} ({want.dtype})")


def assert_same_outcome(case: Case, got: Outcome, want: Outcome) -> None:
    assert got.structure == want.structure, (
        f"{case.id}: output structure {got.structure}, reference structure {want.structure}"
    )
    for index, (got_leaf, want_leaf) in enumerate(zip(got.leaves, want.leaves)):
        _assert_leaf(case, index, got_leaf, want_leaf)
