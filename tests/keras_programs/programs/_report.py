"""What a program prints for the harness, and the initial weights both frameworks share.

Every program prints lines ``RESULT <kind> <name> <json value>``; the harness compares the
Keras run with the Oneiros run name by name, with the tolerance of the kind (see
``tests/keras_programs/_compare.py``). This module imports numpy only: the programs' framework
comes in through their own import lines.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

KINDS = ("exact", "close", "trained", "loose")


def report(kind: str, name: str, value: Any) -> None:
    """Print one result line; ``kind`` chooses the tolerance it is compared with."""
    if kind not in KINDS:
        raise ValueError(f"report kind {kind!r} is not one of {KINDS}")
    if not name.isidentifier():
        raise ValueError(f"report name {name!r} must be an identifier (no spaces)")
    print(f"RESULT {kind} {name} {json.dumps(_plain(value))}", flush=True)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in sorted(value.items())}
    return np.asarray(value).tolist()


def seeded_weights(weights: list[Any], seed: int) -> list[np.ndarray]:
    """Glorot-uniform values for every matrix and kernel, from one numpy generator.

    Vectors that every framework initialises to a constant (biases, gammas, moving statistics)
    keep their value; other vectors and non-float state are left as given.
    """
    rng = np.random.default_rng(seed)
    replaced = []
    for weight in weights:
        weight = np.asarray(weight)
        if weight.dtype.kind == "f" and weight.ndim >= 2:
            fan_in, fan_out = math.prod(weight.shape[:-1]), weight.shape[-1]
            limit = math.sqrt(6.0 / (fan_in + fan_out))
            weight = rng.uniform(-limit, limit, weight.shape).astype(weight.dtype)
        replaced.append(weight)
    return replaced


def seed_and_describe(model: Any, seed: int = 0, prefix: str = "model") -> None:
    """Give ``model`` the shared initial weights and report its weight shapes and size."""
    model.set_weights(seeded_weights(model.get_weights(), seed))
    report("exact", f"{prefix}_weight_shapes", [list(np.shape(w)) for w in model.get_weights()])
    report("exact", f"{prefix}_params", model.count_params())
