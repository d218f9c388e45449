"""Tools for testing Oneiros plugins, layers and backends."""
