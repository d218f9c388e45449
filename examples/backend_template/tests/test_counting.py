"""The counting backend: registers cleanly, counts op calls, and passes the conformance kit."""

import os
import subprocess
import sys

import numpy as np

import oneiros as oi
from oneiros_counting import plugin
from oneiros_counting.backend import CALLS


def test_registers_and_counts(register_plugin):
    record = register_plugin(plugin, "counting")
    assert record.registered == {"backends": 1}
    before = CALLS["matmul"]
    with oi.backend_scope("counting"):
        layer = oi.layers.Dense(2)
        got = np.asarray(layer(np.ones((3, 4), "float32")))
    kernel, bias = layer.get_weights()
    np.testing.assert_allclose(got, np.ones((3, 4)) @ kernel + bias, rtol=1e-6)
    assert CALLS["matmul"] > before


def test_passes_the_conformance_kit():
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--pyargs", "oneiros.testing.conformance", "--oneiros-backend", "counting",
         "-q", "-p", "no:cacheprovider"],
        capture_output=True, text=True, env={**os.environ}, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr
    assert "backend 'counting' declares 0 exclusion(s)" in result.stdout and " failed" not in result.stdout
