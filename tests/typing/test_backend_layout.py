"""One category, one file name: the contract declares each op in ``oneiros/ops/_<category>.py`` and
every backend implements it in its own ``_<category>.py`` (docs/backends.md has the table), so the
counterpart of any op is found by name in every backend.

The backends of the main environment are imported (their ops modules' ``__all__`` say which ops
they implement); MXNet lives in its own environment, so its sources are read with ``ast``.
"""

import ast
import importlib
import sys
from pathlib import Path

import pytest

from oneiros.ops import CONTRACT

ROOT = Path(__file__).parents[2]

IMPORTED = {
    "numpy": "oneiros.backends.numpy_reference",
    "jax": "oneiros_jax",
    "onnx": "oneiros_onnx",
    "tensorflow": "oneiros_tensorflow",
    "pytensor": "oneiros_pytensor",
    "plaidml": "oneiros_plaidml",
}
PARSED = {"mxnet": ROOT / "plugins" / "backend_mxnet" / "oneiros_mxnet"}


def expected_file(op_name: str) -> str:
    return f"_{CONTRACT[op_name].category}.py"


def definitions(package_dir: Path) -> dict[str, list[str]]:
    """op name -> the files of a package that define it at top level (a def or an assignment)."""
    found: dict[str, list[str]] = {}
    for path in sorted(package_dir.glob("*.py")):
        for node in ast.parse(path.read_text(), str(path)).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names = [node.name]
            elif isinstance(node, ast.Assign):
                names = [leaf.id for target in node.targets for leaf in ast.walk(target) if isinstance(leaf, ast.Name)]
            else:
                continue
            for name in names:
                if name in CONTRACT:
                    found.setdefault(name, []).append(path.name)
    return found


def exported_by_imported_backend(package: str) -> tuple[Path, dict[str, str]]:
    """op name -> the file of the module whose ``__all__`` gives it to the backend's ops namespace."""
    importlib.import_module(f"{package}.ops")
    package_dir = Path(sys.modules[package].__file__).parent
    exported = {}
    for name, module in sorted(sys.modules.items()):
        if name.startswith(f"{package}._") and name.count(".") == package.count(".") + 1:
            for op_name in set(getattr(module, "__all__", ())) & set(CONTRACT):
                exported[op_name] = Path(module.__file__).name
    return package_dir, exported


def literal_all(path: Path) -> list[str]:
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return list(ast.literal_eval(node.value))
    return []


def exported_by_parsed_backend(package_dir: Path) -> dict[str, str]:
    """As :func:`exported_by_imported_backend`, from the modules ``ops.py`` imports and their literal ``__all__``."""
    package = package_dir.name
    modules = [alias.name for node in ast.parse((package_dir / "ops.py").read_text()).body
               if isinstance(node, ast.ImportFrom) and node.module == package for alias in node.names]
    assert modules, f"{package_dir / 'ops.py'} imports no op modules from {package}"
    return {op_name: f"{module}.py" for module in modules
            for op_name in set(literal_all(package_dir / f"{module}.py")) & set(CONTRACT)}


def misplaced(backend: str, package_dir: Path, exported: dict[str, str]) -> list[str]:
    defined = definitions(package_dir)
    problems = []
    for op_name, module_file in sorted(exported.items()):
        files = defined.get(op_name, [])
        actual = module_file if module_file in files else (files[0] if len(files) == 1 else module_file)
        if actual != expected_file(op_name) or expected_file(op_name) not in files:
            problems.append(f"backend {backend!r}: op {op_name} (category {CONTRACT[op_name].category}) is defined in "
                            f"{package_dir.name}/{actual}; it belongs in {package_dir.name}/{expected_file(op_name)}")
    return problems


def test_the_contract_declares_each_op_in_its_category_module():
    problems = [f"op {name} (category {spec.category}) is declared in {module}; it belongs in "
                f"oneiros.ops._{spec.category}"
                for name, spec in sorted(CONTRACT.items())
                if (module := importlib.import_module("oneiros.ops").__dict__[name].__module__)
                != f"oneiros.ops._{spec.category}"]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("backend", sorted(IMPORTED))
def test_each_op_of_an_installed_backend_is_in_its_category_module(backend):
    package_dir, exported = exported_by_imported_backend(IMPORTED[backend])
    assert exported, f"backend {backend!r} exports no ops"
    problems = misplaced(backend, package_dir, exported)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("backend", sorted(PARSED))
def test_each_op_of_a_backend_in_another_environment_is_in_its_category_module(backend):
    exported = exported_by_parsed_backend(PARSED[backend])
    assert exported, f"backend {backend!r} exports no ops"
    problems = misplaced(backend, PARSED[backend], exported)
    assert problems == [], "\n".join(problems)


def test_a_misplaced_op_is_named_with_its_file_and_where_it_belongs(tmp_path):
    (tmp_path / "_math.py").write_text("def matmul(x1, x2):\n    return x1 @ x2\n")
    (tmp_path / "_linalg.py").write_text("")
    assert misplaced("mine", tmp_path, {"matmul": "_math.py"}) == [
        f"backend 'mine': op matmul (category linalg) is defined in {tmp_path.name}/_math.py; "
        f"it belongs in {tmp_path.name}/_linalg.py"]
