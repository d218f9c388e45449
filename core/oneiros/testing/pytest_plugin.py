"""The pytest plugin the core ships (entry point ``pytest11``): options and fixtures."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("oneiros")
    group.addoption(
        "--oneiros-backend",
        action="store",
        default=None,
        help="backend the conformance kit checks against the numpy reference (e.g. jax)",
    )


@pytest.fixture
def oneiros_backend_name(request: pytest.FixtureRequest) -> str:
    """The backend named by ``--oneiros-backend`` (default: the ``ONEIROS_BACKEND`` choice)."""
    name = request.config.getoption("--oneiros-backend")
    if name is None:
        from oneiros.backend import get_backend

        name = get_backend().name
    return name


RUNTIME_KINDS = ("backends", "exporters", "model_readers")


@pytest.fixture
def oneiros_host():
    """A fresh plugin host with autoload off (only the core), made the process-wide host.

    Lets a plugin author test a plugin alone, whatever else is installed: of the installed
    plugins only the backends, exporters and model readers are added (lazily), so that
    ``check_layer`` checks every installed backend and export format here too.
    """
    from oneiros._plugins import PluginHost, host, set_host

    isolated = PluginHost(autoload=False)
    isolated.load()
    for kind in RUNTIME_KINDS:
        for entry in host().registry(kind).entries():
            if entry.qualified_name not in isolated.registries[kind]:
                isolated.registries[kind].add(entry)
    previous = set_host(isolated)
    try:
        yield isolated
    finally:
        set_host(previous)


@pytest.fixture
def register_plugin(oneiros_host):
    """``register_plugin(module, name="plugin")``: registers a plugin module in the isolated host.

    Runs all its hooks and fails the test on a name conflict, a hook-name typo or a hook that
    raises. Returns the plugin's :class:`~oneiros._plugins.PluginRecord`.
    """
    from oneiros.errors import PluginError

    def register(module, name: str = "plugin"):
        # the plugin under test may be installed too: its own runtimes come from the module now
        for kind in RUNTIME_KINDS:
            oneiros_host.registries[kind].remove_plugin(name)
        try:
            return oneiros_host.register_module(module, name)
        except PluginError as exc:
            pytest.fail(f"plugin {name!r} does not register cleanly: {exc}", pytrace=False)

    return register
