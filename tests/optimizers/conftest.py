"""Shared fixtures: the engines an optimizer runs on, and a fixed, seeded gradient sequence."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros
from oneiros import ops

ENGINES = ["numpy", "jax", "jax-jit"]
"""jax-jit runs ``jax.jit(optimizer.apply)``: proves apply is pure and jit-safe."""

PARAM_SHAPES = [(4, 3), (5,), (2, 3, 2)]
STEPS = 20


@pytest.fixture(scope="session")
def problem() -> tuple[list[np.ndarray], list[list[np.ndarray]]]:
    """Initial params and 20 steps of gradients (float32, seeded)."""
    rng = np.random.default_rng(20240611)
    params = [rng.normal(size=shape).astype(np.float32) for shape in PARAM_SHAPES]
    grads = [[rng.normal(scale=0.7, size=shape).astype(np.float32) for shape in PARAM_SHAPES]
             for _ in range(STEPS)]
    return params, grads


@pytest.fixture(params=ENGINES)
def engine(request) -> str:
    return request.param


class Stepper:
    """An optimizer and its state on one engine; ``step(grads)`` applies numpy gradients (None
    allowed) and returns the params as numpy arrays."""

    def __init__(self, optimizer, engine: str, params: list[np.ndarray], paths: list[str] | None = None):
        self.optimizer = optimizer
        self.backend = "numpy" if engine == "numpy" else "jax"
        self.apply = optimizer.apply
        if engine == "jax-jit":
            import jax

            self.apply = jax.jit(optimizer.apply)
        with oneiros.backend_scope(self.backend):
            self.params = [ops.convert_to_tensor(p) for p in params]
            self.state = optimizer.init(self.params, paths)

    def step(self, grads: list[np.ndarray | None]) -> list[np.ndarray]:
        with oneiros.backend_scope(self.backend):
            tensors = [None if g is None else ops.convert_to_tensor(g) for g in grads]
            self.params, self.state = self.apply(tensors, self.params, self.state)
            return [np.asarray(ops.to_numpy(p)) for p in self.params]

    def slots(self) -> list[dict[str, np.ndarray]]:
        with oneiros.backend_scope(self.backend):
            return [{name: np.asarray(ops.to_numpy(value)) for name, value in slots.items()}
                    for slots in self.state["slots"]]


@pytest.fixture
def stepper(engine):
    """``stepper(optimizer, params, paths=None)`` -> a :class:`Stepper` on ``engine``."""
    return lambda optimizer, params, paths=None: Stepper(optimizer, engine, params, paths)


@pytest.fixture
def run_optimizer(stepper):
    """``run(optimizer, params, grads)`` -> the params (numpy) after each step."""

    def run(optimizer, params, grads):
        runner = stepper(optimizer, params)
        trajectory = [runner.step(step_grads) for step_grads in grads]
        with oneiros.backend_scope(runner.backend):
            assert int(ops.to_numpy(runner.state["iterations"])) == len(grads)
        return trajectory

    return run


@pytest.fixture(scope="session")
def assert_trajectories_close():
    def check(actual, expected, scale=1e-6):
        """Every step's params agree within ``scale`` times max(1, |expected|)."""
        for step, (actual_params, expected_params) in enumerate(zip(actual, expected, strict=True)):
            for index, (got, want) in enumerate(zip(actual_params, expected_params, strict=True)):
                want = np.asarray(want, dtype=np.float64)
                tolerance = scale * np.maximum(1.0, np.abs(want))
                error = np.abs(np.asarray(got, dtype=np.float64) - want)
                assert np.all(error <= tolerance), (
                    f"step {step + 1}, param {index}: max error {error.max():.3g} exceeds "
                    f"{scale:g} * max(1, |expected|)")

    return check


def keras_variables(keras, params: list[np.ndarray], paths: list[str]) -> list:
    """Keras Variables holding ``params`` whose ``path`` is ``paths`` (created in name scopes)."""
    import contextlib

    variables = []
    for value, path in zip(params, paths, strict=True):
        *scopes, name = path.split("/")
        with contextlib.ExitStack() as stack:
            for scope in scopes:
                stack.enter_context(keras.name_scope(scope))
            variables.append(keras.Variable(value, name=name))
    assert [v.path for v in variables] == paths
    return variables


@pytest.fixture(scope="session")
def keras_steps():
    """``run(optimizer, params, grads, paths)`` -> (Keras's params after each step, its
    ``optimizer.variables`` at the end), ``stateless_apply`` jitted."""
    import jax
    import keras

    def run(optimizer, params, grads, paths):
        variables = keras_variables(keras, params, paths)
        optimizer.build(variables)
        optimizer_values, values = [v.value for v in optimizer.variables], [v.value for v in variables]
        step = jax.jit(optimizer.stateless_apply)
        trajectory = []
        for step_grads in grads:
            values, optimizer_values = step(optimizer_values, list(step_grads), values)
            trajectory.append([np.asarray(v) for v in values])
        return trajectory, [np.asarray(v) for v in optimizer_values]

    return run


@pytest.fixture(scope="session")
def in_keras_order():
    """``order(optimizer, state)`` -> ``state`` as Keras's ``optimizer.variables``
    (``Optimizer.keras_layout``; 0 for a wrapper's learning rate)."""

    def order(optimizer, state) -> list[np.ndarray]:
        arrays = []
        for key in optimizer.keras_layout(state):
            value = state
            for part in key or ():
                value = value[part]
            arrays.append(np.zeros((), np.float32) if key is None else np.asarray(ops.to_numpy(value)))
        return arrays

    return order


@pytest.fixture(scope="session")
def jitted_run(in_keras_order):
    """``run(optimizer, params, grads, paths)`` -> (our params after each step, the final state in
    Keras's order), ``apply`` jitted on the jax backend: what ``keras_steps`` gives for Keras."""
    import jax

    def run(optimizer, params, grads, paths):
        with oneiros.backend_scope("jax"):
            values = [ops.convert_to_tensor(p) for p in params]
            state = optimizer.init(values, paths)
            apply = jax.jit(optimizer.apply)
            trajectory = []
            for step_grads in grads:
                values, state = apply([ops.convert_to_tensor(g) for g in step_grads], values, state)
                trajectory.append([np.asarray(v) for v in values])
            return trajectory, in_keras_order(optimizer, state)

    return run


@pytest.fixture(scope="session")
def assert_runs_close():
    """``check((trajectory, variables), (keras_trajectory, keras_variables), tolerance)``."""

    def check(ours, theirs, tolerance):
        for step, (got_params, want_params) in enumerate(zip(ours[0], theirs[0], strict=True)):
            for got, want in zip(got_params, want_params, strict=True):
                np.testing.assert_allclose(got, want, rtol=tolerance, atol=tolerance, err_msg=f"step {step + 1}")
        assert [a.shape for a in ours[1]] == [a.shape for a in theirs[1]]
        for got, want in zip(ours[1], theirs[1]):
            np.testing.assert_allclose(got, want, rtol=tolerance, atol=tolerance, err_msg="optimizer variables")

    return check
