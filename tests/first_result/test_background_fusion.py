"""steps_per_execution="auto" trains from the first batch while fused candidates compile in the
background: the weights are those of single steps whatever it decides."""

import numpy as np
import pytest

import oneiros as oi


def _weights(program, steps_per_execution):
    model = program.model(steps_per_execution=steps_per_execution)
    result = program.fit(model)
    return model.get_weights(), result


@pytest.fixture(scope="module")
def single_step_weights(program):
    with oi.backend_scope("jax"):
        return _weights(program, 1)[0]


@pytest.mark.parametrize("adopt", [True, False], ids=["candidate adopted", "candidate dropped"])
def test_background_compilation_never_changes_the_trained_weights(home, eager_search, program, single_step_weights,
                                                                  adopt):
    eager_search(adopt)
    weights, result = _weights(program, "auto")
    assert result["compiled"] == ([1, 2, 4] if adopt else [1, 2])  # a 2-step probe first
    assert result["at_end"] == (4 if adopt else 1)
    for expected, got in zip(single_step_weights, weights):
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)


def test_a_short_fit_starts_no_compile_it_cannot_repay(home, program):
    result = program.fit(program.model(), epochs=1)
    assert result["compiled"] == [1]
    assert result["at_end"] == 1
    assert not (home / "choices" / "steps_per_execution.json").exists()  # nothing measured, nothing chosen
