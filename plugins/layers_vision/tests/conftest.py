"""Vision plugin tests run on the numpy reference backend and on JAX (``backend`` fixture)."""

from __future__ import annotations

from pathlib import Path

import pytest

import oneiros

BACKENDS = ("numpy", "jax")
SHARED_DATA = (Path(__file__).resolve().parents[3] / "../shared/data").resolve()


@pytest.fixture(params=BACKENDS)
def backend(request):
    """The backend under test, active for the whole test."""
    with oneiros.backend_scope(request.param) as active:
        yield active


@pytest.fixture
def jax_backend():
    with oneiros.backend_scope("jax") as active:
        yield active


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The project's shared real data (the MNIST t10k files), beside the repository root."""
    if not (SHARED_DATA / "t10k-images-idx3-ubyte.gz").is_file():
        raise FileNotFoundError(f"the shared MNIST files are missing from {SHARED_DATA}")
    return SHARED_DATA


def bilinear_half_pixel(image, out_height, out_width):
    """A (height, width, channels) image resized by the half-pixel rule: output (i, j) samples the
    input at ((i + 0.5) * H / out_height - 0.5, (j + 0.5) * W / out_width - 0.5), clamped to the
    image, weighting its 4 neighbours linearly (no antialiasing)."""
    import itertools

    import numpy as np

    height, width = image.shape[:2]
    out = np.zeros((out_height, out_width, image.shape[2]))
    for i, j in itertools.product(range(out_height), range(out_width)):
        y = min(max((i + 0.5) * height / out_height - 0.5, 0), height - 1)
        x = min(max((j + 0.5) * width / out_width - 0.5, 0), width - 1)
        y0, x0 = int(np.floor(y)), int(np.floor(x))
        y1, x1 = min(y0 + 1, height - 1), min(x0 + 1, width - 1)
        wy, wx = y - y0, x - x0
        out[i, j] = ((1 - wy) * ((1 - wx) * image[y0, x0] + wx * image[y0, x1])
                     + wy * ((1 - wx) * image[y1, x0] + wx * image[y1, x1]))
    return out


@pytest.fixture(scope="session")
def bilinear_oracle():
    """:func:`bilinear_half_pixel`, the independent resize oracle several test files share."""
    return bilinear_half_pixel


@pytest.fixture(scope="session")
def augmentation_images():
    """The image augmentation tests' images: 4 RGB images of 13 x 17 in [0, 255] (float32), one
    with 16 grey levels in its green channel, one of low contrast, one with a constant channel."""
    import numpy as np

    images = np.random.default_rng(21).uniform(0, 255, size=(4, 13, 17, 3)).astype("float32")
    images[..., 1] = np.floor(images[..., 1] / 16) * 16
    images[1] = images[1] * 0.3 + 50
    images[2, ..., 2] = 90
    return images


@pytest.fixture(scope="session")
def keras_oracle():
    """Keras 3 on JAX, the oracle of the Keras parity tests."""
    import os

    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras

    if keras.backend.backend() != "jax":
        raise RuntimeError(f"the Keras parity tests need KERAS_BACKEND=jax; Keras runs on {keras.backend.backend()}")
    return keras
