"""No import circles among the core's and the plugins' modules, beyond the ones listed here.

A circle makes a module's import order matter (a name is missing when the circle is entered from
the other side) and ties modules together that should change on their own. The walk reads the
source only and counts every import, those inside functions too (a deferred import hides a circle,
it does not break it), except under ``if TYPE_CHECKING:``.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
SOURCE_ROOTS = [ROOT / "core", *(path.parent for path in (ROOT / "plugins").glob("*/pyproject.toml"))]

INTENDED = {
    "models and saving": (("oneiros.models", "oneiros.saving", "oneiros.activations", "oneiros.callbacks",
                           "oneiros._namespace"),
                          "a Model(inputs, outputs) is a Functional, a Functional is a Model, and a model saves "
                          "and loads itself through oneiros.saving, which rebuilds models and resolves the "
                          "namespaces' objects by name (see the comment in models/model.py)"),
}
"""The circles the design wants: the module-name prefixes they may span, and why."""

NOT_YET_BROKEN = {
    "ops and symbolic layers": (("oneiros.ops", "oneiros.layers", "oneiros.variables", "oneiros._tensor_operators",
                                 "oneiros.initializers", "oneiros.constraints",
                                 "oneiros.regularizers"),
                                "ops on symbolic tensors build OpLayer nodes; ops modules call oneiros.ops"),
    "optimizer schedules": (("oneiros.optimizers",), "deserialize_schedule resolves classes through oneiros.optimizers"),
    "onnx export": (("oneiros_onnx.backend", "oneiros_onnx.export"), "OnnxBackend.export and export's OnnxBackend()"),
    "plaidml tensor": (("oneiros_plaidml._core", "oneiros_plaidml._kernels", "oneiros_plaidml._shape",
                        "oneiros_plaidml._tensor"),
                       "the tensor type's operators call the lowerings that make tensors"),
}
"""Circles issue 18 names as debts, by the prefixes they span today: they may shrink, not spread."""


def module_files() -> dict[str, Path]:
    files = {}
    for source_root in SOURCE_ROOTS:
        for path in source_root.rglob("*.py"):
            relative = path.relative_to(source_root)
            if relative.parts[0] in ("tests", "build") or not (source_root / relative.parts[0] / "__init__.py").exists():
                continue
            parts = relative.with_suffix("").parts
            files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return files


def imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement of a module, but those under ``if TYPE_CHECKING:``."""
    found: list[ast.Import | ast.ImportFrom] = []
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            pending += node.orelse
        else:
            pending += ast.iter_child_nodes(node)
    return found


def imported_modules(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for statement in imports(ast.parse(path.read_text(), str(path))):
        if isinstance(statement, ast.Import):
            targets |= {alias.name for alias in statement.names}
            continue
        base = statement.module or ""
        if statement.level:
            anchor = package.rsplit(".", statement.level - 1)[0] if statement.level > 1 else package
            base = f"{anchor}.{base}".rstrip(".")
        for alias in statement.names:
            submodule = f"{base}.{alias.name}"
            targets.add(submodule if submodule in known else base)
    return {target for target in targets if target in known and target != name}


def circles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    lowlink: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = lowlink[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                lowlink[node] = min(lowlink[node], lowlink[target])
            elif target in on_stack:
                lowlink[node] = min(lowlink[node], index[target])
        if lowlink[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def import_graph() -> dict[str, set[str]]:
    known = module_files()
    return {name: imported_modules(name, path, known) for name, path in known.items()}


def describe(component: set[str], graph: dict[str, set[str]]) -> str:
    edges = sorted(f"{source} -> {target}" for source in component for target in graph[source] & component)
    return f"{len(component)} modules: " + "; ".join(edges)


def test_the_walk_finds_a_circle():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]


def test_the_walk_counts_deferred_imports_but_not_type_checking_ones():
    tree = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import x\ntry:\n    import y\n"
                     "except ImportError:\n    import z\ndef f():\n    import w\n")
    assert sorted(alias.name for node in imports(tree) for alias in node.names) == \
        ["TYPE_CHECKING", "w", "y", "z"]


def allowed_by(component: set[str], known: dict[str, tuple[tuple[str, ...], str]]) -> str | None:
    for name, (prefixes, _) in known.items():
        if all(module.startswith(prefixes) for module in component):
            return name
    return None


def test_no_import_circle_but_the_known_ones():
    graph = import_graph()
    assert "oneiros.models.model" in graph, "the walk found no core modules"
    unexpected = [describe(component, graph) for component in circles(graph)
                  if allowed_by(component, {**INTENDED, **NOT_YET_BROKEN}) is None]
    assert unexpected == [], ("import circles (import what a function needs from where it is defined, "
                              "or let the lower module be told, e.g. by a registration or a class attribute):\n"
                              + "\n".join(unexpected))
