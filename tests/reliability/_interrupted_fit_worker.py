"""Trains until interrupted, again and again; then checks the model is whole (run by the test)."""

import faulthandler
import signal
import sys

import numpy as np

import oneiros as oi
from oneiros import layers

faulthandler.enable()  # a SIGABRT from the test prints where a lost interrupt left the worker
# A test run started in the background (`nohup make test &`) inherits SIGINT ignored, and Python
# then installs no handler: this worker stands for a user pressing Ctrl-C at a terminal.
signal.signal(signal.SIGINT, signal.default_int_handler)
rounds, path = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(0)
x = rng.normal(size=(2048, 256)).astype("float32")
y = rng.integers(0, 4, size=2048)
model = oi.Sequential([layers.Input((256,)), layers.Dense(1024, activation="relu"), layers.Dense(4)])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
print("ready", flush=True)
for attempt in range(rounds):
    try:
        model.fit(x, y, epochs=10**6, batch_size=256, verbose=0)
    except KeyboardInterrupt:
        print(f"interrupted {attempt}", flush=True)
weights = model.get_weights()
assert all(np.isfinite(w).all() for w in weights), "weights must stay finite"
predictions = model.predict(x, verbose=0)
model.save(path)
reloaded = oi.load_model(path)
np.testing.assert_allclose(reloaded.predict(x, verbose=0), predictions, rtol=1e-6, atol=1e-6)
model.fit(x, y, epochs=1, batch_size=256, verbose=0)
print("whole", flush=True)
