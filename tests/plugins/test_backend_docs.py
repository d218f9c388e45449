"""docs/backends.md stays in sync with the Backend interface, the capabilities, the op contract's
categories and control ops, and the supported dtypes."""

import re
from pathlib import Path

from oneiros import backend, dtypes
from oneiros.backend import Backend
from oneiros.ops import CONTRACT

DOC = (Path(__file__).resolve().parents[2] / "docs" / "backends.md").read_text()


def test_every_capability_has_a_row_naming_its_constant():
    for constant in ("TRAINABLE", "JIT", "FUSED_STEPS", "DISTRIBUTED", "BFLOAT16", "JAX_STEPS"):
        assert f"| `{getattr(backend, constant)}` | `{constant}` |" in DOC, constant
    assert len(backend.KNOWN_CAPABILITIES) == 6, "a new capability needs a row in docs/backends.md"


def test_every_backend_method_and_property_is_documented():
    public = {name: value for name, value in vars(Backend).items() if not name.startswith("_")}
    methods = [name for name, value in public.items() if callable(value)]
    missing = [name for name in methods if f"`{name}(" not in DOC]
    missing += [name for name, value in public.items() if isinstance(value, property) and f"`{name}" not in DOC]
    assert not missing, f"docs/backends.md does not document Backend members {missing}"


def test_op_categories_control_ops_and_dtypes_match_the_contract():
    categories = set(re.search(r"`category` \(([^)]*)\)", DOC).group(1).replace("\n", " ").split(", "))
    assert categories == {spec.category for spec in CONTRACT.values()}
    control = re.findall(r"`(\w+)`", re.search(r"\*\*Control flow\*\* \(([^)]*)\)", DOC).group(1))
    assert set(control) == {name for name, spec in CONTRACT.items() if spec.category == "control"}
    for name in dtypes.SUPPORTED:
        assert name.rstrip("0123456789") in DOC, name


def test_native_and_derived_ops_are_explained():
    for phrase in ("spec.derived", "spec.definition", "**Native** ops", "**Derived** ops", "override"):
        assert phrase in DOC, phrase
