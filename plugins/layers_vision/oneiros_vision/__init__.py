"""The vision plugin for Oneiros."""
