"""Entry point of the text plugin; what it registers grows with its issue."""

ONEIROS_PLUGIN_API = 1
