"""The text plugin for Oneiros."""
