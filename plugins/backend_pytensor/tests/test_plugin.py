"""Registration: lazy (no pytensor import until the backend is used), under two names."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import oneiros as oi
from oneiros import ops
from oneiros.dtypes import DtypeError


def _imported_after(code: str) -> bool:
    probe = f"{code}\nimport sys, json\nprint(json.dumps(any(m in sys.modules for m in ('pytensor', 'numba'))))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_import_and_plugin_listing_do_not_import_pytensor():
    assert not _imported_after("import oneiros")
    assert not _imported_after("import contextlib, io\nfrom oneiros.cli import main\n"
                               "with contextlib.redirect_stdout(io.StringIO()):\n"
                               "    try:\n        main(['plugins'])\n"
                               "    except SystemExit as exc:\n        assert exc.code == 0\n")
    assert not _imported_after("import oneiros; oneiros.backend.available_backends()")


def test_pytensor_and_theano_name_one_backend():
    assert {"pytensor", "theano"} <= set(oi.backend.available_backends())
    assert oi.backend.get_backend("theano") is oi.backend.get_backend("pytensor")
    assert oi.backend.get_backend("theano").name == "pytensor"


def test_bfloat16_is_refused_with_what_it_got(pytensor_backend):
    with pytest.raises(DtypeError, match="bfloat16"):
        ops.convert_to_tensor(np.zeros(2, np.float32), "bfloat16")


def test_an_unknown_linker_is_refused_by_name(pytensor_backend, monkeypatch):
    monkeypatch.setenv("ONEIROS_PYTENSOR_LINKER", "cuda")
    step = pytensor_backend.jit(lambda x: ops.add(x, 1.0))
    with pytest.raises(ValueError, match="'cuda'"):
        step(np.zeros(2, np.float32))
