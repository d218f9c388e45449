"""oi.distribution on the tensorflow backend (DTensor), in a subprocess whose CPU is split into
four logical devices (ONEIROS_TF_CPU_DEVICES=4; TensorFlow allows it only before it starts).

Oracles, as for the jax backend (tests/distribution, whose scenario the worker runs):
single-device training of the same model on the same batches, hand-written numpy SGD, and the
DTensors' own layouts and components (the kernels of a ModelParallel model really are split).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from oneiros_tensorflow.distribution._devices import CPU_DEVICES_VARIABLE, split_cpu_from_environment

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tests" / "distribution"))
from _distribution_models import replay_sgd as _replay_sgd  # noqa: E402
# The jax backend's oracle checks, collected here against this module's outcome.
from test_devices import (test_a_data_parallel_checkpoint_loads_on_one_device,  # noqa: E402, F401
                          test_data_parallel_sgd_matches_hand_written_sgd, test_data_parallel_training_matches_one_device,
                          test_model_parallel_predicts_like_the_unsharded_model,
                          test_model_parallel_training_matches_one_device,
                          test_predict_returns_every_row_even_when_the_last_batch_does_not_split)

WORKER = Path(__file__).with_name("_distribution_worker.py")
DEADLINE_SECONDS = 240
TOLERANCE = 1e-5


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    output = tmp_path_factory.mktemp("tensorflow_distribution")
    environment = {key: value for key, value in os.environ.items() if not key.startswith("ONEIROS_")}
    environment[CPU_DEVICES_VARIABLE] = "4"
    finished = subprocess.run([sys.executable, str(WORKER), str(output)], env=environment, capture_output=True,
                              text=True, timeout=DEADLINE_SECONDS)
    assert finished.returncode == 0, finished.stderr[-4000:]
    return json.loads((output / "results.json").read_text()), np.load(output / "arrays.npz")


@pytest.fixture(scope="module")
def replay_sgd():
    return _replay_sgd


def test_the_worker_sees_four_logical_cpu_devices(outcome):
    assert outcome[0]["devices"] == ["cpu:0", "cpu:1", "cpu:2", "cpu:3"]


def test_data_parallel_splits_batches_and_replicates_weights(outcome):
    parallel = outcome[0]["data_parallel"]
    assert parallel["batch_shard_shapes"] == [[4, 8]] and parallel["batch_devices"] == 4
    assert parallel["kernel"] == {"spec": ["unsharded", "unsharded"], "shard_shapes": [[8, 16]], "devices": 4,
                                  "global_shape": [8, 16]}


def test_a_model_trained_under_data_parallel_predicts_on_one_device_after_the_scope(outcome):
    assert outcome[0]["after_scope_predictions"] < TOLERANCE


def test_model_parallel_kernels_are_really_split(outcome):
    parallel = outcome[0]["model_parallel"]
    # (8, 16) split over the 2 devices of the "model" axis: each device holds an (8, 8) half.
    assert parallel["hidden_kernel"] == {"spec": ["unsharded", "model"], "shard_shapes": [[8, 8]], "devices": 4,
                                         "global_shape": [8, 16]}
    assert parallel["head_kernel"]["shard_shapes"] == [[16, 2]]
    assert parallel["hidden_bias"]["shard_shapes"] == [[16]]  # unmatched by the LayoutMap: replicated
    assert parallel["trained_kernel"] == parallel["hidden_kernel"]  # training keeps the layout


def test_recurrent_layers_are_not_mapped_and_dtensor_says_which_op(outcome):
    # When this fails, DTensor learned TensorList ops: recurrent layers then train distributed too.
    assert "does not implement layout propagation" in outcome[0]["recurrent_error"]
    assert "TensorList" in outcome[0]["recurrent_error"]


def test_several_processes_are_not_mapped(tensorflow_backend):
    with pytest.raises(NotImplementedError, match=r"num_processes=2.*use the jax backend"):
        tensorflow_backend.distribution.initialize("127.0.0.1:1234", 2, 0)


def test_this_process_is_the_only_one(tensorflow_backend):
    support = tensorflow_backend.distribution
    assert (support.process_index(), support.process_count()) == (0, 1)


@pytest.mark.parametrize("text", ["four", "0", "-2"])
def test_a_bad_device_count_says_what_it_received(monkeypatch, text):
    monkeypatch.setenv(CPU_DEVICES_VARIABLE, text)
    with pytest.raises(ValueError, match=rf"{CPU_DEVICES_VARIABLE} must be an integer >= 1; received '{text}'"):
        split_cpu_from_environment()


def test_a_device_count_after_tensorflow_started_is_refused(tensorflow_backend, monkeypatch):
    tensorflow_backend.devices()  # TensorFlow has initialised its devices
    monkeypatch.setenv(CPU_DEVICES_VARIABLE, "3")
    with pytest.raises(RuntimeError, match=rf"{CPU_DEVICES_VARIABLE}=3: TensorFlow had already initialised"):
        split_cpu_from_environment()


def test_a_mesh_of_unknown_devices_names_them(tensorflow_backend):
    from oneiros_tensorflow.distribution._devices import build_mesh

    with pytest.raises(ValueError, match=r"Unknown devices \['cpu:9'\]; the devices of this job are"):
        build_mesh((1,), ("batch",), ["cpu:9"])
