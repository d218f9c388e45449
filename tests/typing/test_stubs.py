"""The generated ``__init__.pyi`` stubs match the op contract and the registries' built-in lists."""

import ast
import importlib

import pytest

from oneiros import _stubs


@pytest.mark.parametrize("namespace", _stubs.NAMESPACES)
def test_stub_is_up_to_date(namespace):
    path = _stubs.stub_path(namespace)
    assert path.exists() and path.read_text() == _stubs.render(namespace), (
        f"{path} is out of date with {namespace}: run `{_stubs.REGENERATE}` and commit the stubs")


@pytest.mark.parametrize("namespace", _stubs.NAMESPACES)
def test_stub_names_every_public_name(namespace):
    module = importlib.import_module(namespace)
    tree = ast.parse(_stubs.stub_path(namespace).read_text())
    bound = {alias.asname or alias.name for node in tree.body if isinstance(node, ast.ImportFrom)
             for alias in node.names}
    bound |= {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    bound |= {node.target.id for node in tree.body if isinstance(node, ast.AnnAssign)}
    assert set(module.__all__) - bound == set()


def test_stub_of_ops_carries_each_contract_signature():
    from oneiros.ops import CONTRACT

    tree = ast.parse(_stubs.stub_path("oneiros.ops").read_text())
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert set(functions) == set(CONTRACT)
    for name, spec in CONTRACT.items():
        arguments = functions[name].args
        stub_names = ([a.arg for a in arguments.args] + ([arguments.vararg.arg] if arguments.vararg else [])
                      + [a.arg for a in arguments.kwonlyargs] + ([arguments.kwarg.arg] if arguments.kwarg else []))
        assert stub_names == list(spec.signature.parameters), name
        assert ast.get_docstring(functions[name]) == spec.doc.strip().splitlines()[0], name


def test_layer_stub_names_the_builtin_classes():
    from oneiros.layers.dense import Dense

    tree = ast.parse(_stubs.stub_path("oneiros.layers").read_text())
    imports = {(node.module, alias.name, alias.asname) for node in tree.body if isinstance(node, ast.ImportFrom)
               for alias in node.names}
    assert (Dense.__module__, "Dense", "Dense") in imports


def test_check_reports_a_stale_stub_by_its_path_and_the_command(tmp_path, monkeypatch, capsys):
    stale_stub = tmp_path / "__init__.pyi"
    stale_stub.write_text("# an old stub\n")
    monkeypatch.setattr(_stubs, "stub_path", lambda name: stale_stub)
    assert _stubs.main(["--check"]) == 1
    assert f"stale: {stale_stub} (run `{_stubs.REGENERATE}`)" in capsys.readouterr().out
