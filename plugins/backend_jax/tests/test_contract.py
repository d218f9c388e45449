"""The JAX backend implements the whole op contract, declares its capabilities, loads lazily."""

import inspect
import subprocess
import sys

import oneiros
import pytest
from oneiros.backend import Backend, get_backend
from oneiros.ops import CONTRACT


@pytest.fixture(scope="module")
def backend():
    return get_backend("jax")


def test_registered_factory_gives_the_jax_backend(backend):
    from oneiros_jax.backend import JaxBackend

    assert isinstance(backend, JaxBackend) and isinstance(backend, Backend)
    assert backend.name == "jax"


def test_every_native_op_is_implemented_with_the_contract_signature(backend):
    missing = [name for name, spec in CONTRACT.items() if not spec.derived and not hasattr(backend.ops, name)]
    assert missing == []
    mismatched = {
        name: (str(spec.signature), str(inspect.signature(getattr(backend.ops, name))))
        for name, spec in CONTRACT.items()
        if hasattr(backend.ops, name) and not spec.matches(getattr(backend.ops, name))
    }
    assert mismatched == {}


def test_ops_namespace_exports_contract_ops_only_and_every_native_one(backend):
    exported = set(backend.ops.__all__)
    assert exported - set(CONTRACT) == set()
    assert sorted(name for name, spec in CONTRACT.items() if not spec.derived and name not in exported) == []


def test_capabilities_are_the_promised_ones(backend):
    assert backend.capabilities == {"trainable", "jit", "fused_steps", "bfloat16", "distributed", "jax_steps"}


def test_distributed_is_served_by_jax_own_runtime(backend):
    import jax

    backend.require("distributed")
    support = backend.distribution
    assert support.list_devices() == [f"{d.platform}:{d.id}" for d in jax.devices()]
    assert (support.process_index(), support.process_count()) == (jax.process_index(), jax.process_count())


def test_declared_capabilities_are_accepted(backend):
    for capability in backend.capabilities:
        backend.require(capability)


def test_devices_are_jax_devices_default_first(backend):
    import jax

    devices = backend.devices()
    assert devices and all(isinstance(device, str) for device in devices)
    assert devices[0] == str(jax.devices()[0])
    assert backend.describe()["backend"] == "jax"


def test_importing_the_plugin_package_does_not_import_jax():
    code = (
        "import sys, oneiros_jax, oneiros_jax.plugin\n"
        "print(sorted(m for m in ('jax', 'jaxlib') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_oneiros_itself_resolves_the_backend_by_name():
    assert "jax" in oneiros.backend.available_backends()
