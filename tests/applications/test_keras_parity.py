"""Every application against Keras 3 itself, the oracle.

For each case the same application is built in Keras and in Oneiros (``weights=None``, a small
input, a few classes): the parameter counts, weight shapes and model name must be equal, and for
the cases marked ``forward`` Keras's weights (its initial kernels, with batch-normalization
statistics and biases drawn at random so that they matter) are copied across by order and the
logits of a random batch must agree within 1e-4. The deeper or wider variants of a family
(ResNet101/152, EfficientNet B1-B7, EfficientNetV2 B1-B3/M/L, ConvNeXt Small..XLarge,
NASNetLarge...) compare parameter counts only: their blocks are the ones the smallest variant
runs, and their forward pass would cost tens of seconds on the 2-core CI machine.

Both sides build on their numpy backends: drawing initial weights on JAX compiles one program per
weight shape (thousands across these models), which the architectures do not need. Keras's backend
is fixed when it is first imported, so its side runs once, for every case, in a subprocess with
``KERAS_BACKEND=numpy`` (``_keras_oracle.py``); tests/applications/test_weights_and_helpers.py runs
applications on the default backend.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import oneiros as oi

sys.path.insert(0, str(Path(__file__).parent))
from _application_cases import BATCH, CASES, built  # noqa: E402

ORACLE = Path(__file__).with_name("_keras_oracle.py")


@pytest.fixture(scope="module")
def keras_side(tmp_path_factory) -> Path:
    """Keras's models for every case, summarised by the oracle subprocess: one folder per case."""
    folder = tmp_path_factory.mktemp("keras-applications")
    environment = {**os.environ, "KERAS_BACKEND": "numpy"}
    result = subprocess.run([sys.executable, str(ORACLE), str(folder)], env=environment, capture_output=True,
                            text=True, timeout=1200)
    assert result.returncode == 0, f"the Keras oracle failed:\n{result.stderr[-3000:]}"
    return folder


def keras_case(folder: Path, index: int) -> tuple[dict, dict]:
    meta = json.loads((folder / f"{index}.json").read_text())
    arrays = dict(np.load(folder / f"{index}.npz")) if (folder / f"{index}.npz").exists() else {}
    return meta, arrays


@pytest.fixture(scope="module", params=range(len(CASES)), ids=[str(case) for case in CASES])
def pair(request, keras_side):
    case = CASES[request.param]
    meta, arrays = keras_case(keras_side, request.param)
    with oi.backend_scope("numpy"):
        ours = built(oi, case)
    return case, meta, arrays, ours


def test_parameter_counts_equal_keras(pair):
    case, meta, _, ours = pair
    assert ours.count_params() == meta["params"]
    assert [list(w.shape) for w in ours.weights] == meta["shapes"]
    assert ours.name == meta["name"]


FORWARD = [index for index, case in enumerate(CASES) if case.forward]


@pytest.mark.parametrize("index", FORWARD, ids=[str(CASES[index]) for index in FORWARD])
def test_outputs_equal_keras_with_the_same_weights(keras_side, index):
    case = CASES[index]
    _, arrays = keras_case(keras_side, index)
    weights = [arrays[f"weight_{position}"] for position in range(len(arrays) - 1)]
    expected = arrays["logits"]
    with oi.backend_scope("numpy"):
        ours = built(oi, case)
        ours.set_weights(weights)
        received = np.asarray(ours(BATCH[:, :case.size, :case.size], training=False))
    assert received.shape == expected.shape
    np.testing.assert_allclose(received, expected, rtol=1e-4, atol=1e-4 * max(1.0, np.abs(expected).max()))
