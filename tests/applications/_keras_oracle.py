"""Keras's side of the application parity test, run with KERAS_BACKEND=numpy: ``python _keras_oracle.py FOLDER``.

Writes, for case ``i`` of ``CASES``, ``FOLDER/i.json`` (parameter count, weight shapes, model name)
and, for the cases marked ``forward``, ``FOLDER/i.npz`` (the weights the test copies across, as
``weight_0``..., and Keras's logits for the test batch as ``logits``).
"""

import json
import sys
from pathlib import Path

import keras
import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _application_cases import BATCH, CASES, built, keras_weights  # noqa: E402

folder = Path(sys.argv[1])
assert keras.backend.backend() == "numpy", keras.backend.backend()
for index, case in enumerate(CASES):
    model = built(keras, case)
    meta = {"params": model.count_params(), "shapes": [list(w.shape) for w in model.weights], "name": model.name}
    (folder / f"{index}.json").write_text(json.dumps(meta))
    if case.forward:
        weights = keras_weights(model)
        model.set_weights(weights)
        logits = np.asarray(model(BATCH[:, :case.size, :case.size], training=False))
        np.savez(folder / f"{index}.npz", logits=logits, **{f"weight_{i}": w for i, w in enumerate(weights)})
    keras.backend.clear_session()
