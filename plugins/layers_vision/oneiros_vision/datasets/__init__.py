"""Ready-made datasets (downloaded once into a cache, or read from a local folder)."""
