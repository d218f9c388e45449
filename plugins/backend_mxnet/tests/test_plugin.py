"""The plugin registers the backend lazily, and the backend implements the whole contract."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest
from oneiros.backend import Backend, get_backend
from oneiros.errors import CapabilityError
from oneiros.ops import CONTRACT
from oneiros.testing.conformance._catalogue import CASES, RANDOM_CHECKS
from oneiros.testing.conformance._exclusions import parse_exclusions


@pytest.fixture(scope="module")
def backend():
    return get_backend("mxnet")


def test_import_and_plugin_listing_never_import_mxnet():
    script = (
        "import sys, oneiros\n"
        "from oneiros.backend import available_backends\n"
        "print('mxnet' in available_backends(), 'mxnet' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "True False"


def test_the_factory_gives_the_mxnet_backend(backend):
    from oneiros_mxnet.backend import MxnetBackend

    assert isinstance(backend, MxnetBackend) and isinstance(backend, Backend)
    assert backend.name == "mxnet"
    assert backend.capabilities == {"trainable"}


def test_undeclared_capabilities_are_refused(backend):
    for capability in ("jit", "fused_steps", "bfloat16", "distributed"):
        with pytest.raises(CapabilityError, match=capability):
            backend.require(capability)


def test_devices_name_mxnet_contexts(backend):
    devices = backend.devices()
    assert devices[0] == "cpu(0)" and len(set(devices)) == len(devices)


def test_ops_namespace_has_every_native_op_or_its_exclusion_and_only_contract_signatures(backend):
    provided = set(backend.ops.__all__)
    assert provided - set(CONTRACT) == set()
    excluded = {exclusion.key for exclusion in parse_exclusions(backend.conformance_exclusions)}
    assert sorted(name for name, spec in CONTRACT.items()
                  if not spec.derived and name not in provided and name not in excluded) == []
    mismatched = {name: str(inspect.signature(getattr(backend.ops, name)))
                  for name, spec in CONTRACT.items()
                  if name in provided and not spec.matches(getattr(backend.ops, name))}
    assert mismatched == {}


def test_exclusions_file_parses_and_names_only_known_checks(backend):
    known = set(CONTRACT) | {case.id for case in CASES} | {check.id for check in RANDOM_CHECKS}
    exclusions = parse_exclusions(backend.conformance_exclusions)
    assert [exclusion.key for exclusion in exclusions if exclusion.key not in known] == []
