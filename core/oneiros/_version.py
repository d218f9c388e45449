"""Version of the core and of the plugin contract it provides."""

__version__ = "0.1.0"

# Bumped only when the hook contract changes incompatibly; plugins may declare the one they target.
PLUGIN_API = 1
