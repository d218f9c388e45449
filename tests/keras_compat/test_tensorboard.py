"""oi.callbacks.TensorBoard, read back through a real TensorBoard server on 127.0.0.1 (its HTTP API),
with TensorFlow kept out of both the writing and the serving process."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import numpy as np
import pytest

pytest.importorskip("tensorboard", reason="the TensorBoard callback needs the tensorboard package")

import oneiros as oi  # noqa: E402

# The server runs with `import tensorflow` made to fail, so TensorBoard uses its own TensorFlow stub.
SERVER = ("import sys; sys.modules['tensorflow'] = None; from tensorboard.main import run_main; "
          "sys.argv = ['tensorboard'] + sys.argv[1:]; run_main()")
STARTUP_SECONDS = 90


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_json(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    log_dir = tmp_path_factory.mktemp("logs")
    model = oi.Sequential([oi.layers.Input((3,)), oi.layers.Dense(4, activation="relu", name="hidden"),
                           oi.layers.Dense(1, name="head")])
    model.compile(optimizer=oi.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
    x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
    history = model.fit(x, x[:, :1], epochs=3, batch_size=16, verbose=0, validation_split=0.25,
                        callbacks=[oi.callbacks.TensorBoard(log_dir, histogram_freq=1, update_freq=2)])
    return log_dir, history.history, model


@pytest.fixture(scope="module")
def server(trained):
    log_dir = trained[0]
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", SERVER, "--logdir", str(log_dir), "--host", "127.0.0.1",
                                "--port", str(port), "--load_fast", "false", "--reload_interval", "1"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    root = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    try:
        while True:
            try:
                if {"train", "validation"} <= set(get_json(f"{root}/data/runs")):
                    break
            except (urllib.error.URLError, ConnectionError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"TensorBoard did not serve the runs within {STARTUP_SECONDS} s: "
                            f"{process.stderr.read().decode()[-2000:] if process.poll() is not None else 'still starting'}")
            time.sleep(0.5)
        yield root
    finally:
        process.terminate()
        process.wait(timeout=30)


def scalars(root, run, tag):
    return get_json(f"{root}/data/plugin/scalars/scalars?run={run}&tag={tag}")


def test_epoch_curves_read_back_through_the_server(trained, server):
    _, history, _ = trained
    for run, key, tag in (("train", "loss", "epoch_loss"), ("train", "mae", "epoch_mae"),
                          ("validation", "val_loss", "epoch_loss"), ("validation", "val_mae", "epoch_mae")):
        points = scalars(server, run, tag)
        assert [step for _, step, _ in points] == [0, 1, 2]
        np.testing.assert_allclose([value for _, _, value in points], history[key], rtol=1e-6)
    rates = [value for _, _, value in scalars(server, "train", "epoch_learning_rate")]
    np.testing.assert_allclose(rates, [0.01] * 3, rtol=1e-6)


def test_batch_scalars_every_update_freq_batches(server):
    # 48 training samples in batches of 16: 3 batches an epoch, 9 in all; every 2nd is written.
    assert [step for _, step, _ in scalars(server, "train", "batch_loss")] == [2, 4, 6, 8]


def test_weight_histograms_and_graph(trained, server):
    _, _, model = trained
    tags = get_json(f"{server}/data/plugin/histograms/tags")["train"]
    assert {"hidden/kernel", "hidden/bias", "head/kernel", "head/bias"} <= set(tags)
    histograms = get_json(f"{server}/data/plugin/histograms/histograms?run=train&tag=head/kernel")
    assert [step for _, step, _ in histograms] == [0, 1, 2]
    last_buckets = histograms[-1][2]
    assert sum(count for _, _, count in last_buckets) == pytest.approx(4)
    kernel = np.asarray(model.get_layer("head").kernel.value)
    assert last_buckets[0][0] == pytest.approx(kernel.min(), rel=1e-5)
    with urllib.request.urlopen(f"{server}/data/plugin/graphs/graph?run=train", timeout=10) as response:
        graph = response.read().decode()
    assert 'name: "hidden"' in graph and 'op: "Dense"' in graph and 'input: "hidden"' in graph


def test_options_that_need_tensorflow_are_refused_naming_them(tmp_path):
    with pytest.raises(ValueError, match="received profile_batch=5"):
        oi.callbacks.TensorBoard(tmp_path, profile_batch=5)
    with pytest.raises(ValueError, match="or an int >= 1; received 'step'"):
        oi.callbacks.TensorBoard(tmp_path, update_freq="step")
