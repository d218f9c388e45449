"""JAX's persistent compilation cache lives under $ONEIROS_HOME once the jax backend is activated
(never at import), holds the compiled programs, and can be turned off."""

import os
import subprocess
import sys

import pytest

PROBE = """
import sys, json
import oneiros
assert "jax" not in sys.modules, "import oneiros imported jax"
from oneiros.backend import get_backend
get_backend("jax")
import jax, jax.numpy as jnp
jax.jit(lambda x: jnp.sin(x) * 3.0)(jnp.ones(7)).block_until_ready()
print(json.dumps({"directory": jax.config.jax_compilation_cache_dir,
                  "max_size": jax.config.jax_compilation_cache_max_size}))
"""


def _probe(home, **environment):
    inherited = {key: value for key, value in os.environ.items() if key != "ONEIROS_COMPILATION_CACHE"}
    completed = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=300,
                               env={**inherited, "ONEIROS_HOME": str(home), **environment})
    assert completed.returncode == 0, completed.stderr
    import json

    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_the_cache_is_under_oneiros_home_bounded_and_filled(tmp_path):
    result = _probe(tmp_path)
    directory = tmp_path / "cache" / "jax"
    assert result == {"directory": str(directory), "max_size": 1 << 30}
    assert any(path.name.endswith("-cache") for path in directory.iterdir())


@pytest.mark.parametrize("switch_off", ["environment", "config file"])
def test_the_cache_can_be_turned_off(tmp_path, switch_off):
    environment = {"ONEIROS_COMPILATION_CACHE": "off"} if switch_off == "environment" else {}
    if switch_off == "config file":
        (tmp_path / "config.json").write_text('{"compilation_cache": false}')
    assert _probe(tmp_path, **environment)["directory"] is None
    assert not (tmp_path / "cache").exists()
