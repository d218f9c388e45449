"""RemoteMonitor against a local HTTP server on 127.0.0.1, with Keras 3's RemoteMonitor sending to
the same server as the oracle for the request format."""

from __future__ import annotations

import http.server
import json
import os
import socket
import urllib.parse

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

import oneiros as oi  # noqa: E402


class _Recorder(http.server.BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 - the name http.server dispatches to
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, self.headers["Content-Type"], self.headers.get("X-Run"), body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def root(serve):
    return serve(_Recorder)


def decoded(record):
    path, content_type, run, body = record
    if content_type == "application/json":
        return path, run, json.loads(body)
    form = urllib.parse.parse_qs(body.decode())
    return path, run, {"form": {field: json.loads(values[0]) for field, values in form.items()}}


@pytest.mark.parametrize("send_as_json", [False, True])
def test_posts_each_epoch_like_keras(root, send_as_json):
    _Recorder.received.clear()
    logs = {"loss": np.float32(0.5), "accuracy": 0.75}
    arguments = {"root": root, "path": "/events/", "field": "payload", "headers": {"X-Run": "a"},
                 "send_as_json": send_as_json}
    oi.callbacks.RemoteMonitor(**arguments).on_epoch_end(3, logs)
    keras.callbacks.RemoteMonitor(**arguments).on_epoch_end(3, logs)
    ours, theirs = (decoded(record) for record in _Recorder.received)
    assert ours == theirs
    expected = {"epoch": 3, "loss": 0.5, "accuracy": 0.75}
    assert ours[2] == (expected if send_as_json else {"form": {"payload": expected}})


def test_fit_sends_one_event_per_epoch(root):
    _Recorder.received.clear()
    model = oi.Sequential([oi.layers.Input((3,)), oi.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    model.fit(x, x[:, :1], epochs=2, verbose=0, callbacks=[oi.callbacks.RemoteMonitor(root, send_as_json=True)])
    events = [decoded(record)[2] for record in _Recorder.received]
    assert [event["epoch"] for event in events] == [0, 1]
    assert all(np.isfinite(event["loss"]) for event in events)


def unused_port():
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_unreachable_server_warns_and_training_goes_on():
    port = unused_port()
    monitor = oi.callbacks.RemoteMonitor(f"http://127.0.0.1:{port}", timeout=2.0)
    with pytest.warns(UserWarning, match=f"could not reach the server at http://127.0.0.1:{port}"):
        monitor.on_epoch_end(0, {"loss": 1.0})


def test_bad_root_is_refused_naming_it():
    with pytest.raises(ValueError, match="received root='localhost:9000'"):
        oi.callbacks.RemoteMonitor("localhost:9000")
