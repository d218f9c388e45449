"""How much of Keras 3's public surface Oneiros provides, namespace by namespace.

The oracle is the installed Keras itself: its public names per namespace are read at test time,
so upgrading Keras shows the new names as missing. Namespaces in ``COMPLETE`` must provide every
name that is not exempt; the others must not fall below their recorded ``FLOORS`` (a regression
fails) and print what is still missing (``pytest -s`` or the failure message shows the list).
``test_provided_names_are_real`` calls what is provided in the families this file tracks closely
on a small input, so a stub that raises does not count.
"""

from __future__ import annotations

import importlib
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

NAMESPACES = ("ops", "layers", "losses", "metrics", "optimizers", "callbacks", "activations",
              "initializers", "regularizers", "constraints", "random", "utils", "models", "saving",
              "tree", "mixed_precision", "datasets", "applications", "config", "preprocessing")

EXEMPT = {
    ("layers", "TFSMLayer"): "loads a TensorFlow SavedModel: meaningful only with TensorFlow's runtime",
    ("layers", "TorchModuleWrapper"): "wraps a torch.nn.Module: meaningful only on the torch backend",
    ("layers", "JaxLayer"): "wraps a JAX function with its own parameters: Keras-on-JAX interop",
    ("layers", "FlaxLayer"): "wraps a Flax module: Keras-on-JAX interop",
    ("callbacks", "OrbaxCheckpoint"): "Orbax checkpoints are a JAX-ecosystem format; ModelCheckpoint writes .oneiros",
    ("optimizers", "legacy"): "Keras 3 keeps it only to raise an error pointing to tf.keras",
    ("utils", "legacy"): "Keras 3 keeps it only for tf.keras-era serialization helpers",
    ("ops", "polar"): "returns a complex tensor; complex dtypes are not among oneiros.dtypes.SUPPORTED",
    ("ops", "view_as_complex"): "returns a complex tensor; complex dtypes are not among oneiros.dtypes.SUPPORTED",
    ("ops", "view_as_real"): "takes a complex tensor; complex dtypes are not among oneiros.dtypes.SUPPORTED",
}
"""``(namespace, name) -> reason`` for Keras names Oneiros deliberately does not provide.
``keras.quantizers`` is not counted here: it belongs to the quantized-export issue."""

COMPLETE = {"ops", "activations", "regularizers", "random", "models", "tree", "initializers",
            "constraints", "datasets", "metrics", "losses", "applications", "mixed_precision", "saving", "utils",
            "optimizers", "callbacks", "config", "preprocessing"}
"""Namespaces that provide every Keras name not in ``EXEMPT``."""

FLOORS = {
    "layers": 171,
}
"""The number of Keras names each incomplete namespace provides now: the count may only grow."""


def keras_names(namespace: str) -> list[str]:
    return sorted(name for name in dir(getattr(keras, namespace)) if not name.startswith("_"))


def oneiros_module(namespace: str):
    try:
        return importlib.import_module(f"oneiros.{namespace}")
    except ModuleNotFoundError:
        return None


def missing_names(namespace: str) -> list[str]:
    module = oneiros_module(namespace)
    return [name for name in keras_names(namespace)
            if (namespace, name) not in EXEMPT and (module is None or not hasattr(module, name))]


def test_every_namespace_is_classified():
    assert COMPLETE.isdisjoint(FLOORS)
    assert COMPLETE | set(FLOORS) == set(NAMESPACES)


def test_exemptions_name_real_keras_names():
    stale = [key for key in EXEMPT if key[1] not in keras_names(key[0])]
    assert not stale, f"exempted names Keras no longer has: {stale}"


@pytest.mark.parametrize("namespace", sorted(COMPLETE))
def test_complete_namespaces_provide_every_keras_name(namespace):
    missing = missing_names(namespace)
    assert not missing, f"oneiros.{namespace} lacks Keras's {missing}"


@pytest.mark.parametrize("namespace", sorted(FLOORS))
def test_incomplete_namespaces_keep_their_share(namespace):
    names = [name for name in keras_names(namespace) if (namespace, name) not in EXEMPT]
    missing = missing_names(namespace)
    provided = len(names) - len(missing)
    print(f"\noneiros.{namespace}: {provided}/{len(names)} of Keras's names; missing: {', '.join(missing)}")
    assert provided >= FLOORS[namespace], (
        f"oneiros.{namespace} provides {provided} of Keras's names, fewer than the floor "
        f"{FLOORS[namespace]}; missing: {missing}")


X = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")
PROBABILITIES = np.full((3, 4), 0.25, "float32")
ONE_HOT = np.eye(4, dtype="float32")[[0, 2, 3]]


def provided(namespace: str) -> list[str]:
    module = oneiros_module(namespace)
    return [name for name in keras_names(namespace)
            if (namespace, name) not in EXEMPT and module is not None and hasattr(module, name)]


def _exercise_activation(item):
    return item(X)


def _exercise_initializer(item):
    instance = item() if isinstance(item, type) else item
    if type(instance).__name__ in ("STFT",):
        return instance((8, 1, 5))
    return instance((4, 4))


def _exercise_regularizer(item):
    instance = item() if isinstance(item, type) else item
    return instance(X)


def _exercise_constraint(item):
    return item()(X)


def _exercise_optimizer(item):
    """One jax update of a (3, 4) kernel by the gradient X; a wrapper wraps SGD, a map maps it."""
    from oneiros import ops, optimizers
    from oneiros.backend import backend_scope

    wrapped = {"LossScaleOptimizer": lambda: item(optimizers.SGD()),
               "MultiOptimizer": lambda: item(optimizers.OptimizerMap(optimizers.SGD(), {"dense/.*": optimizers.Adam()})),
               "OptimizerMap": lambda: optimizers.MultiOptimizer(item(optimizers.SGD()))}
    optimizer = wrapped.get(item.__name__, item)()
    with backend_scope("jax"):
        params = [ops.convert_to_tensor(np.zeros_like(X))]
        (updated,), _ = optimizer.apply([ops.convert_to_tensor(X)], params, optimizer.init(params, ["dense/kernel"]))
        return ops.to_numpy(updated)


EXERCISES = {
    "activations": _exercise_activation,
    "initializers": _exercise_initializer,
    "regularizers": _exercise_regularizer,
    "constraints": _exercise_constraint,
    "optimizers": _exercise_optimizer,
}
"""How a provided name of each namespace is called on a small input."""

BASES_AND_HELPERS = {"Initializer", "Regularizer", "Constraint", "Optimizer", "get", "serialize", "deserialize",
                     "RandomInitializer", "schedules"}
"""Names that are base classes or lookup helpers: exercised by their own namespace's tests."""


@pytest.mark.parametrize("namespace", sorted(EXERCISES))
def test_provided_names_are_real(namespace):
    module = oneiros_module(namespace)
    exercise = EXERCISES[namespace]
    for name in provided(namespace):
        if name in BASES_AND_HELPERS:
            continue
        item = getattr(module, name)
        if namespace == "regularizers" and name in ("OrthogonalRegularizer", "orthogonal_regularizer"):
            value = item(factor=0.1)(X)
        elif namespace == "activations" and name == "threshold":
            value = item(X, threshold=0.1, default_value=0.0)
        else:
            value = exercise(item)
        assert np.all(np.isfinite(np.asarray(value))), f"{namespace}.{name}"


OP_NAMESPACES = ("image", "linalg", "nn", "numpy")


def _first_case_of(op: str):
    from oneiros.testing.conformance._catalogue import CASES

    return next((case for case in CASES if case.op == op), None)


def _exercise_transform(name: str) -> None:
    """The function transforms need a trainable backend: jax's derivative of x**2 is 2x."""
    from oneiros import ops
    from oneiros.backend import backend_scope

    with backend_scope("jax"):
        if name == "jvp":
            _, tangent = ops.jvp(lambda v: v * v, (X,), (np.ones_like(X),))
            np.testing.assert_allclose(np.asarray(tangent), 2 * X, rtol=1e-6)
            return

        @ops.custom_gradient
        def doubled(v):
            return v * 2.0, lambda upstream: upstream * 2.0

        np.testing.assert_allclose(np.asarray(doubled(X)), 2 * X, rtol=1e-6)


def test_every_provided_op_runs_on_a_small_input():
    """Each op of Keras's list runs on its first conformance case's arguments (numpy backend);
    the sub-namespaces hold functions."""
    from oneiros import ops
    from oneiros.backend import get_backend
    from oneiros.testing.conformance._running import run_eager

    reference = get_backend("numpy")
    unexercised = []
    for name in provided("ops"):
        item = getattr(ops, name)
        if name in OP_NAMESPACES:
            assert item.__all__ and all(callable(getattr(item, inner)) for inner in item.__all__), name
        elif name == "get_item":
            assert np.asarray(item(X, (1, slice(None, 2)))).shape == (2,)
        elif name == "vectorize":
            assert np.asarray(item(lambda v: v * 2.0)(X)).shape == X.shape
        elif name in ("jvp", "custom_gradient"):
            _exercise_transform(name)
        elif (case := _first_case_of(name)) is not None:
            run_eager(reference, case)
        else:
            unexercised.append(name)
    assert not unexercised, f"ops without a conformance case to run them on: {unexercised}"
