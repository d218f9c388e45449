"""The core's own features, registered through the same hooks as any plugin (name "core")."""

from __future__ import annotations

from oneiros._hookspecs import hookimpl


def _numpy_backend():
    from oneiros.backends.numpy_reference import NumpyBackend

    return NumpyBackend()


@hookimpl
def register_backends(register):
    register(_numpy_backend, name="numpy")
