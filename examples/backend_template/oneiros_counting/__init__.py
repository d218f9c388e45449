"""A minimal Oneiros backend plugin: the numpy reference backend, counting the ops it runs."""
