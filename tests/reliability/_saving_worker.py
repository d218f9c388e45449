"""Saves one large model to a path again and again until killed (run by test_saving_faults)."""

import sys

import oneiros as oi
from oneiros import layers

sys.path.insert(0, sys.argv[2])
from test_saving_faults import WIDTH, known_weights  # noqa: E402

path = sys.argv[1]
model = oi.Sequential([layers.Input((WIDTH,)), layers.Dense(WIDTH), layers.Dense(4)])
model.set_weights(known_weights())
print("ready", flush=True)
while True:
    model.save(path)
