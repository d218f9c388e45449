"""Which source pixels each pixel of a resized axis reads, the same on every backend.

Backends compute these index and weight arrays on the host, then gather and blend with their
own ops, so that ``ops.image.resize`` agrees across engines. Pixel centers sit at half-pixel
positions, as in Keras and JAX.
"""

from __future__ import annotations

import numpy as np


def nearest_indices(source: int, target: int) -> np.ndarray:
    """For each of ``target`` pixels, the one of ``source`` pixels whose area holds its center."""
    # floor((o + 0.5) * source / target), in exact integer arithmetic.
    return ((2 * np.arange(target) + 1) * source) // (2 * target)


def linear_neighbours(source: int, target: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each of ``target`` pixels: the source pixel at or below its center, the one above,
    and how far (float64, 0 to 1) the center lies from the first towards the second."""
    centers = (np.arange(target) + 0.5) * (source / target) - 0.5
    # Outside the outermost pixel centers the image holds its edge value.
    positions = np.clip(centers, 0, source - 1)
    below = np.floor(positions).astype(np.int64)
    above = np.minimum(below + 1, source - 1)
    return below, above, positions - below
