"""oneiros.random_state: one seeded sequence for everything created without a seed."""

import random

import numpy as np
import pytest

from oneiros import random_state


def test_set_random_seed_fixes_the_seed_sequence_and_python_and_numpy_randomness():
    random_state.set_random_seed(123)
    first = [random_state.next_seed() for _ in range(5)]
    python_draw, numpy_draw = random.random(), np.random.random()
    random_state.set_random_seed(123)
    assert [random_state.next_seed() for _ in range(5)] == first
    assert (random.random(), np.random.random()) == (python_draw, numpy_draw)
    assert len(set(first)) == 5
    assert all(0 <= seed < random_state.SEED_LIMIT and isinstance(seed, int) for seed in first)
    random_state.set_random_seed(124)
    assert [random_state.next_seed() for _ in range(5)] != first


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, "7", True, None])
def test_bad_seeds_are_refused(seed):
    with pytest.raises(ValueError, match=r"set_random_seed: argument `seed` must be an int"):
        random_state.set_random_seed(seed)
