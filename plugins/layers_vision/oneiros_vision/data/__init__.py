"""Image data loaders."""

LOADERS: dict = {}
