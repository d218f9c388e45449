"""docs/plugins.md documents every hook with its exact signature and one-line docstring."""

import inspect
import re
from pathlib import Path

from oneiros import _hookspecs

DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"


def documented_hooks():
    sections = re.split(r"^### ", DOC.read_text(), flags=re.MULTILINE)[1:]
    hooks = {}
    for section in sections:
        heading, _, body = section.partition("\n")
        match = re.fullmatch(r"`(register_\w+)\((.*)\)`", heading.strip())
        if match:
            hooks[match.group(1)] = (match.group(2), body)
    return hooks


def test_every_hook_is_documented_with_its_signature_docstring_and_example():
    hooks = documented_hooks()
    assert set(hooks) == set(_hookspecs.REGISTRY_KINDS), "docs/plugins.md and the hook specs differ"
    for name, (arguments, body) in hooks.items():
        spec = getattr(_hookspecs, name)
        assert arguments == ", ".join(inspect.signature(spec).parameters), name
        assert inspect.getdoc(spec) in body, f"{name}: the doc must quote the hook's docstring"
        assert "@oneiros.hookimpl" in body, f"{name}: the doc needs a worked example"
