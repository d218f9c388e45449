"""A template Oneiros plugin: GatedDense and the Charbonnier loss."""
