"""Tools for testing Oneiros plugins, layers and backends."""


def __getattr__(name):
    if name == "check_layer":
        from oneiros.testing.layers import check_layer

        return check_layer
    raise AttributeError(f"module 'oneiros.testing' has no attribute {name!r}")
