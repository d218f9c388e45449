"""``oi.optimizers.schedules`` holds Keras's schedule names; CosineDecayRestarts follows Keras."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

import oneiros as oi  # noqa: E402
from oneiros import ops  # noqa: E402


def test_the_namespace_has_every_keras_name():
    keras_names = {name for name in dir(keras.optimizers.schedules) if not name.startswith("_")}
    assert keras_names <= set(dir(oi.optimizers.schedules)) | set(oi.optimizers.schedules.__all__)
    assert oi.optimizers.schedules.ExponentialDecay is oi.optimizers.ExponentialDecay


@pytest.mark.parametrize("arguments", [dict(t_mul=2.0, m_mul=1.0, alpha=0.0),
                                       dict(t_mul=1.0, m_mul=0.5, alpha=0.1),
                                       dict(t_mul=1.5, m_mul=0.8, alpha=0.05)])
def test_cosine_decay_restarts_matches_keras(arguments):
    ours = oi.optimizers.schedules.CosineDecayRestarts(0.1, 10, **arguments)
    theirs = keras.optimizers.schedules.CosineDecayRestarts(0.1, 10, **arguments)
    for step in range(0, 120, 3):
        np.testing.assert_allclose(ops.to_numpy(ours(step)), np.asarray(theirs(step)), rtol=1e-5, atol=1e-7)
    rebuilt = oi.optimizers.schedules.deserialize(oi.optimizers.schedules.serialize(ours))
    assert rebuilt.get_config() == ours.get_config()


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="first_decay_steps"):
        oi.optimizers.schedules.CosineDecayRestarts(0.1, 0)
