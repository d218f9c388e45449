"""Registries and the plugin host, on an isolated host (no installed plugin involved)."""

import types

import pytest

import oneiros
from oneiros._plugins import PluginHost
from oneiros._registry import NameOverrideWarning
from oneiros.errors import AmbiguousNameError, PluginError, RegistrationError, UnknownNameError


def plugin_module(name, **hooks):
    module = types.ModuleType(name)
    for hook_name, function in hooks.items():
        setattr(module, hook_name, oneiros.hookimpl(function))
    return module


class GatedDense:
    pass


class OtherGatedDense:
    pass


def layers_hook(*classes, **named):
    def register_layers(register):
        for cls in classes:
            register(cls)
        for name, obj in named.items():
            register(obj, name=name)

    return register_layers


@pytest.fixture
def host():
    isolated = PluginHost(autoload=False)
    isolated.load()
    return isolated


def test_plain_and_qualified_lookup(host):
    host.register_module(plugin_module("a", register_layers=layers_hook(GatedDense)), "alpha")
    registry = host.registry("layers")
    assert registry.get("GatedDense") is GatedDense
    assert registry.get("alpha>GatedDense") is GatedDense
    assert registry.entry("GatedDense").qualified_name == "alpha>GatedDense"
    assert host.records["alpha"].registered == {"layers": 1}


def test_two_plugins_same_name_is_ambiguous_with_both_qualified_names(host):
    host.register_module(plugin_module("a", register_layers=layers_hook(GatedDense)), "alpha")
    host.register_module(
        plugin_module("b", register_layers=layers_hook(GatedDense=OtherGatedDense)), "beta"
    )
    with pytest.raises(AmbiguousNameError) as info:
        host.registry("layers").get("GatedDense")
    message = str(info.value)
    assert "alpha>GatedDense" in message and "beta>GatedDense" in message
    assert "qualified name" in message
    assert host.registry("layers").get("beta>GatedDense") is OtherGatedDense


def test_unknown_name_lists_close_matches(host):
    host.register_module(plugin_module("a", register_layers=layers_hook(GatedDense)), "alpha")
    with pytest.raises(UnknownNameError) as info:
        host.registry("layers").get("GatedDenes")
    assert "GatedDense" in info.value.close_matches
    assert "Did you mean: GatedDense" in str(info.value)


def test_overriding_a_builtin_needs_override_true(host, caplog):
    def shadow(register):
        register(OtherGatedDense, name="numpy", override=True)

    def clash(register):
        register(GatedDense, name="numpy")

    builtin = host.registry("backends").get("numpy")
    with pytest.warns(NameOverrideWarning, match=r"'clash'.*'numpy' keeps meaning core>numpy.*'clash>numpy'"):
        host.register_module(plugin_module("c", register_backends=clash), "clash")
    assert host.registry("backends").get("numpy") is builtin, "a plugin cannot take a core name by accident"
    assert host.registry("backends").get("clash>numpy") is GatedDense
    host.unregister("clash")
    with caplog.at_level("INFO", logger="oneiros.plugins"), \
            pytest.warns(NameOverrideWarning, match=r"'shadow'.*overrides the built-in backend 'numpy'"):
        host.register_module(plugin_module("s", register_backends=shadow), "shadow")
    assert host.registry("backends").get("numpy") is OtherGatedDense
    assert host.registry("backends").get("core>numpy") is not OtherGatedDense
    assert "shadow>numpy overrides core>numpy" in caplog.text


def test_a_plugin_keeps_the_name_it_is_named_after(host):
    def own(register):
        register(GatedDense, name="gated")

    def squatter(register):
        register(OtherGatedDense, name="gated")

    host.register_module(plugin_module("g", register_backends=own), "gated")
    with pytest.warns(NameOverrideWarning, match="keeps meaning gated>gated"):
        host.register_module(plugin_module("q", register_backends=squatter), "squatter")
    assert host.registry("backends").get("gated") is GatedDense


def test_misspelled_hook_is_refused_with_suggestion(host):
    module = plugin_module("typo", register_layer=layers_hook(GatedDense))
    with pytest.raises(RegistrationError, match="did you mean 'register_layers'"):
        host.register_module(module, "typo")
    assert "typo" not in host.records
    assert "GatedDense" not in host.registry("layers")
    far_off = plugin_module("far", frobnicate=layers_hook(GatedDense))
    with pytest.raises(RegistrationError, match="'frobnicate' is not a hook name. Hooks: register_backends"):
        host.register_module(far_off, "far")


def test_hook_without_marker_is_refused(host):
    module = types.ModuleType("unmarked")
    module.register_layers = layers_hook(GatedDense)
    with pytest.raises(RegistrationError, match="lacks the @oneiros.hookimpl decorator"):
        host.register_module(module, "unmarked")


def test_hook_that_raises_registers_nothing(host):
    def register_losses(register):
        register(GatedDense, name="half_registered_loss")
        raise RuntimeError("boom")

    module = plugin_module("broken", register_layers=layers_hook(GatedDense), register_losses=register_losses)
    with pytest.raises(PluginError, match="raised in register_losses: RuntimeError: boom"):
        host.register_module(module, "broken")
    assert "GatedDense" not in host.registry("layers")
    assert "half_registered_loss" not in host.registry("losses")
    assert host.pm.get_plugin("broken") is None


def test_duplicate_inside_one_plugin_and_bad_names_are_refused(host):
    twice = plugin_module("twice", register_layers=layers_hook(GatedDense, GatedDense))
    with pytest.raises(RegistrationError, match="registered twice by this plugin"):
        host.register_module(twice, "twice")
    bad_name = plugin_module("bad", register_layers=layers_hook(**{"a>b": GatedDense}))
    with pytest.raises(RegistrationError, match="without '>'"):
        host.register_module(bad_name, "bad")
    not_callable = plugin_module("nc", register_layers=layers_hook(x=42))
    with pytest.raises(RegistrationError, match="expected a class or callable, received int"):
        host.register_module(not_callable, "nc")


def test_hook_signature_must_match_spec(host):
    def register_layers(register, extra):
        register(GatedDense)

    with pytest.raises(RegistrationError, match="extra"):
        host.register_module(plugin_module("sig", register_layers=register_layers), "sig")


def test_fixtures_isolate_and_register(register_plugin):
    record = register_plugin(plugin_module("p", register_layers=layers_hook(GatedDense)), "mine")
    assert record.registered == {"layers": 1}
    assert oneiros.layers.get("mine>GatedDense") is GatedDense
    assert oneiros.layers.GatedDense is GatedDense


def test_lazy_references_import_on_first_lookup(host):
    import sys

    def register_losses(register):
        register(oneiros.lazy("json.decoder:JSONDecoder"), name="decoder")
        register(oneiros.lazy("oneiros_no_such_module:Thing"))

    host.register_module(plugin_module("lazy", register_losses=register_losses), "lazy")
    registry = host.registry("losses")
    assert "Thing" in registry and "oneiros_no_such_module" not in sys.modules
    from json.decoder import JSONDecoder

    assert registry.get("lazy>decoder") is JSONDecoder
    assert registry.entry_for(JSONDecoder).qualified_name == "lazy>decoder"
    with pytest.raises(RegistrationError, match="'oneiros_no_such_module:Thing', which cannot be imported"):
        registry.get("Thing")


def test_malformed_lazy_reference_fails_the_plugin(host):
    def register_losses(register):
        register(oneiros.lazy("no colon here"))

    with pytest.raises(PluginError, match="'package.module:Name'"):
        host.register_module(plugin_module("bad", register_losses=register_losses), "bad")


def test_a_hook_calling_sys_exit_fails_its_plugin_not_the_program(host):
    def exiting(register):
        raise SystemExit(3)

    with pytest.raises(PluginError, match=r"'quitter' raised in register_layers: SystemExit: 3"):
        host.register_module(plugin_module("quitter", register_layers=exiting), "quitter")
    assert "quitter" not in host.records


def test_a_plugin_whose_import_calls_sys_exit_is_skipped_as_failed(host, tmp_path, monkeypatch):
    from importlib import metadata

    from oneiros._plugins import FAILED, PluginRecord

    (tmp_path / "exiting_plugin.py").write_text("import sys\nsys.exit('no thanks')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    record = PluginRecord(name="exiting", module="exiting_plugin")
    host._import_and_register(metadata.EntryPoint("exiting", "exiting_plugin", "oneiros.plugins"), record)
    assert record.status == FAILED
    assert record.reason == "SystemExit: no thanks"
