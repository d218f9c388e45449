"""Backends shipped by the core."""
