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

    def __init__(self, optimizer, engine: str, params: list[np.ndarray]):
        self.optimizer = optimizer
        self.backend = "numpy" if engine == "numpy" else "jax"
        self.apply = optimizer.apply
        if engine == "jax-jit":
            import jax

            self.apply = jax.jit(optimizer.apply)
        with oneiros.backend_scope(self.backend):
            self.params = [ops.convert_to_tensor(p) for p in params]
            self.state = optimizer.init(self.params)

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
    """``stepper(optimizer, params)`` -> a :class:`Stepper` on ``engine``."""
    return lambda optimizer, params: Stepper(optimizer, engine, params)


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
