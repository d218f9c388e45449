"""Entry point of the vision plugin; what it registers grows with its issue."""

ONEIROS_PLUGIN_API = 1
