"""Four CPU devices in one process (a subprocess with --xla_force_host_platform_device_count=4).

Oracles: single-device training of the same model on the same batches, hand-written numpy SGD,
and the arrays' own shardings (the kernels of a ModelParallel model really are split).
"""

import json

import numpy as np
import pytest

TOLERANCE = 1e-5


@pytest.fixture(scope="module")
def outcome(run_workers, tmp_path_factory):
    output = tmp_path_factory.mktemp("devices")
    run_workers("_devices_worker.py", output, devices=4, per_process=[{}])
    return json.loads((output / "results.json").read_text()), np.load(output / "arrays.npz")


def test_the_worker_sees_four_devices(outcome):
    results, _ = outcome
    assert results["devices"] == ["cpu:0", "cpu:1", "cpu:2", "cpu:3"]


def test_data_parallel_sgd_matches_hand_written_sgd(outcome, replay_sgd):
    _, arrays = outcome
    kernel, bias = replay_sgd(arrays["linear_x"], arrays["linear_y"], arrays["linear_initial_kernel"],
                              arrays["linear_initial_bias"], batch_size=16, epochs=3, learning_rate=0.05)
    assert not np.allclose(kernel, arrays["linear_initial_kernel"], atol=1e-2)  # training moved the weights
    np.testing.assert_allclose(arrays["linear_kernel"], kernel, atol=TOLERANCE)
    np.testing.assert_allclose(arrays["linear_bias"], bias, atol=TOLERANCE)


def test_data_parallel_training_matches_one_device(outcome):
    parallel = outcome[0]["data_parallel"]
    assert parallel["weights"] < TOLERANCE
    assert parallel["loss_history"] < TOLERANCE
    assert parallel["evaluation"] < TOLERANCE
    assert outcome[0]["fused_steps_weights"] < TOLERANCE


def test_data_parallel_splits_batches_and_replicates_weights(outcome):
    parallel = outcome[0]["data_parallel"]
    assert parallel["batch_shard_shapes"] == [[4, 8]] and parallel["batch_devices"] == 4
    assert parallel["kernel"] == {"spec": [None, None], "shard_shapes": [[8, 16]], "devices": 4,
                                  "global_shape": [8, 16]}


def test_predict_returns_every_row_even_when_the_last_batch_does_not_split(outcome):
    parallel = outcome[0]["data_parallel"]
    assert parallel["prediction_shape"] == [30, 4]
    assert parallel["predictions"] < TOLERANCE


def test_a_data_parallel_checkpoint_loads_on_one_device(outcome):
    assert outcome[0]["reloaded_on_one_device"] == 0.0


def test_model_parallel_predicts_like_the_unsharded_model(outcome):
    assert outcome[0]["model_parallel"]["predictions"] < TOLERANCE


def test_model_parallel_kernels_are_really_split(outcome):
    parallel = outcome[0]["model_parallel"]
    # (8, 16) split over the 2 devices of the "model" axis: each device holds an (8, 8) half.
    assert parallel["hidden_kernel"] == {"spec": [None, "model"], "shard_shapes": [[8, 8]], "devices": 4,
                                         "global_shape": [8, 16]}
    assert parallel["head_kernel"]["shard_shapes"] == [[16, 2]]
    assert parallel["hidden_bias"]["shard_shapes"] == [[16]]  # unmatched by the LayoutMap: replicated
    assert parallel["trained_kernel"] == parallel["hidden_kernel"]  # training keeps the layout


def test_model_parallel_training_matches_one_device(outcome):
    assert outcome[0]["model_parallel"]["weights"] < TOLERANCE
