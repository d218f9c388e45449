"""The JAX backend for Oneiros. Importing this package does not import jax."""
