"""`import oneiros`, plugin discovery and `oneiros plugins` import no compute engine."""

import json
import subprocess
import sys
import textwrap

ENGINES = ("jax", "jaxlib", "onnxruntime", "onnx", "mxnet", "keras", "tensorflow", "torch", "pytensor", "numba",
           "plaidml")


def engines_imported_by(code):
    script = textwrap.dedent(code) + textwrap.dedent(f"""
        import sys, json
        print(json.dumps(sorted(m for m in {ENGINES!r} if m in sys.modules)))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_import_oneiros_imports_no_engine():
    assert engines_imported_by("import oneiros; from oneiros import ops, layers, losses") == []


def test_plugin_discovery_imports_no_engine():
    code = """
        from oneiros._plugins import host
        records = host().plugin_records()
        assert {"jax", "vision", "text", "onnx"} <= {r.name for r in records}, records
    """
    assert engines_imported_by(code) == []


def test_oneiros_plugins_command_imports_no_engine():
    code = """
        import contextlib, io
        from oneiros.cli import main
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                main(["plugins"])
            except SystemExit as exc:
                assert exc.code == 0
    """
    assert engines_imported_by(code) == []
