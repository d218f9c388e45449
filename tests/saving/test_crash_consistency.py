"""A process killed (SIGKILL) while saving a large model leaves the previous complete file or the
new complete file, never a partial one.

A child process saves a ~50 MB model over and over, every weight of version N filled with the
value N, and reports each save it completed; the parent kills it at spread-out moments. After
each kill the file must load, hold one single version in every weight, and that version must be
the last one reported or the one after it (saved, but killed before it could report).

A kill during a save may leave one stray temporary file ``.NAME.<random>.tmp`` beside the
target: loaders never read it, and it is safe to delete (the test deletes it after checking
that each kill leaves at most one).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import numpy as np

import oneiros as oi
from oneiros import layers

WIDTH, DEPTH = 2048, 3  # 3 x 2048 x 2048 float32 kernels: 50 MB
KILLS = (("after", 0.02), ("writing", 0), ("after", 0.16), ("writing", 1024), ("after", 0.3),
         ("writing", 40_000_000), ("after", 0.45), ("after", 0.7))
"""When each kill comes: a delay after the child is ready (it saves at once and then again and
again), or as soon as the temporary file of a save holds at least that many bytes."""

CHILD = f"""
import sys
import numpy as np
import oneiros as oi
from oneiros import layers

path, version = sys.argv[1], int(sys.argv[2])
model = oi.Sequential([layers.Input(({WIDTH},))] + [
    layers.Dense({WIDTH}, kernel_initializer="zeros", name=f"dense_{{i}}") for i in range({DEPTH})])
shapes = [w.shape for w in model.get_weights()]
print("ready", flush=True)
while True:
    version += 1
    model.set_weights([np.full(shape, version, np.float32) for shape in shapes])
    model.save(path)
    print("saved", version, flush=True)
"""


def big_model():
    return oi.Sequential([layers.Input((WIDTH,))] + [
        layers.Dense(WIDTH, kernel_initializer="zeros", name=f"dense_{i}") for i in range(DEPTH)])


def version_in(path) -> int:
    """The single version every weight of the file holds (fails on a mix or a partial file)."""
    weights = oi.load_model(path, backend="numpy", compile=False).get_weights()
    versions = {float(w.min()) for w in weights} | {float(w.max()) for w in weights}
    assert len(versions) == 1, f"the file mixes versions {sorted(versions)}"
    assert [w.shape for w in weights] == [(WIDTH, WIDTH), (WIDTH,)] * DEPTH
    return int(versions.pop())


def wait_for_temporary_file(folder, name: str, size: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for temporary in folder.glob(f".{name}.*.tmp"):
            try:
                if temporary.stat().st_size >= size:
                    return
            except FileNotFoundError:
                continue
        time.sleep(0.0005)
    raise AssertionError(f"no temporary file of {size} bytes or more appeared in {timeout} s")


def test_a_killed_save_leaves_the_previous_or_the_new_file(tmp_path):
    path = tmp_path / "big.oneiros"
    with oi.backend_scope("numpy"):
        model = big_model()
        model.set_weights([np.zeros(w.shape, np.float32) for w in model.get_weights()])
        model.save(path)
    environment = {**{k: v for k, v in os.environ.items() if not k.startswith("ONEIROS_")},
                   "ONEIROS_BACKEND": "numpy", "ONEIROS_PLUGINS": "core"}
    current, killed_while_writing, saves_seen = 0, 0, 0
    for when, amount in KILLS:
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), str(current)], env=environment,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "ready", child.stderr.read()
        if when == "after":
            time.sleep(amount)
        else:
            wait_for_temporary_file(tmp_path, path.name, amount)
        child.send_signal(signal.SIGKILL)
        output, _ = child.communicate(timeout=30)
        assert child.returncode == -signal.SIGKILL
        reported = [int(line.split()[1]) for line in output.split("\n") if line.startswith("saved")]
        saves_seen += len(reported)
        last_complete = reported[-1] if reported else current
        found = version_in(path)
        assert found in (last_complete, last_complete + 1), (when, amount, reported, found)
        strays = sorted(tmp_path.glob(f".{path.name}.*.tmp"))
        assert len(strays) <= 1, strays
        killed_while_writing += len(strays)
        for stray in strays:
            stray.unlink()
        current = found
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
    assert saves_seen > 0, "no save completed: the kills did not span whole saves"
    assert killed_while_writing > 0, "no kill landed while a temporary file was being written"
