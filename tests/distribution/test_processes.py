"""Two processes on 127.0.0.1 joined by jax.distributed (gloo CPU collectives), two CPU devices each.

Oracles: hand-written numpy SGD on the same global batches, each process's own single-device
training, the checkpoint read back under the numpy reference backend in this one process.
"""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

import oneiros as oi

TOLERANCE = 1e-5
PROCESSES = 2


@pytest.fixture(scope="module")
def outcome(run_workers, coordinator_address, tmp_path_factory):
    output = tmp_path_factory.mktemp("processes")
    run_workers("_processes_worker.py", output, devices=2, per_process=[
        {"ONEIROS_COORDINATOR_ADDRESS": coordinator_address, "ONEIROS_NUM_PROCESSES": str(PROCESSES),
         "ONEIROS_PROCESS_ID": str(process)} for process in range(PROCESSES)])
    results = [json.loads((output / f"results_{process}.json").read_text()) for process in range(PROCESSES)]
    arrays = [np.load(output / f"arrays_{process}.npz") for process in range(PROCESSES)]
    return output, results, arrays


def test_both_processes_joined_one_job_of_four_devices(outcome):
    _, results, _ = outcome
    assert [(r["process"], r["processes"], r["devices"]) for r in results] == [(0, 2, 4), (1, 2, 4)]
    assert [r["is_chief"] for r in results] == [True, False]


def test_process_local_data_parallel_sgd_matches_hand_written_sgd(outcome, replay_sgd):
    _, _, arrays = outcome
    spec = importlib.util.spec_from_file_location("distribution_models", Path(__file__).parent / "_distribution_models.py")
    models = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(models)
    x, y = models.regression_data()
    kernel, bias = replay_sgd(x, y, arrays[0]["linear_initial_kernel"], arrays[0]["linear_initial_bias"],
                              batch_size=16, epochs=3, learning_rate=0.05)
    for process in arrays:
        np.testing.assert_allclose(process["linear_kernel"], kernel, atol=TOLERANCE)
        np.testing.assert_allclose(process["linear_bias"], bias, atol=TOLERANCE)


def test_data_parallel_over_processes_matches_one_device(outcome):
    for result in outcome[1]:
        parallel = result["data_parallel"]
        assert parallel["weights"] < TOLERANCE
        assert parallel["evaluation"] < TOLERANCE


def test_every_process_ends_with_the_same_weights(outcome):
    first, second = outcome[2]
    names = [name for name in first.files if name.startswith("classifier_")]
    assert len(names) == 8  # two Dense layers (kernel, bias) and BatchNormalization (four)
    for name in names:
        np.testing.assert_array_equal(first[name], second[name])


def test_predict_gives_every_process_the_rows_it_asked_for(outcome):
    for result in outcome[1]:
        parallel = result["data_parallel"]
        assert parallel["prediction_shape"] == [30, 4] and parallel["predictions"] < TOLERANCE
        assert parallel["local_predictions"] < TOLERANCE


def test_only_process_zero_writes_and_its_checkpoint_loads_in_a_single_process(outcome):
    output, _, arrays = outcome
    checkpoint = output / "checkpoint_0.safetensors"
    assert checkpoint.is_file()
    assert not (output / "checkpoint_1.safetensors").exists()
    with oi.backend_scope("numpy"):
        model = oi.Sequential([oi.layers.Input((8,)), oi.layers.Dense(16, activation="relu", name="hidden"),
                               oi.layers.BatchNormalization(name="norm"),
                               oi.layers.Dense(4, activation="softmax", name="head")])
        model.load_weights(checkpoint)
        for index, weight in enumerate(model.get_weights()):
            np.testing.assert_array_equal(weight, arrays[0][f"classifier_{index}"])


def test_model_parallel_across_processes_predicts_and_trains_like_one_device(outcome):
    for result in outcome[1]:
        parallel = result["model_parallel"]
        assert parallel["predictions"] < TOLERANCE
        assert parallel["weights"] < TOLERANCE
        # Each process holds two (8, 8) halves of the (8, 16) kernel, one per device.
        assert parallel["hidden_kernel"] == {"spec": [None, "model"], "shard_shapes": [[8, 8]], "devices": 2,
                                             "global_shape": [8, 16]}
