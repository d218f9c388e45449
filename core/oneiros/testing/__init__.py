"""Tools for testing Oneiros plugins, layers and backends.

- :func:`check_layer`: the harness every layer test uses (see docs/plugins.md, "Testing your plugin");
- the pytest fixtures ``oneiros_host``, ``register_plugin`` and ``oneiros_backend_name`` (loaded
  automatically through the ``pytest11`` entry point);
- the backend conformance kit: ``pytest --pyargs oneiros.testing.conformance --oneiros-backend NAME``.
"""

__all__ = ["check_layer"]


def __getattr__(name):
    if name == "check_layer":
        from oneiros.testing.layers import check_layer

        return check_layer
    raise AttributeError(f"module 'oneiros.testing' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *__all__])
