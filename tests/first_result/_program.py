"""The program the remembering tests run twice: in the test process, then in a fresh one.

``python _program.py`` trains it once (``$ONEIROS_HOME`` from the environment) and prints, as
JSON, where its group size came from, the group size from the first batch on, and which group
sizes it compiled a training function for.
"""

from __future__ import annotations

import json

import numpy as np

SAMPLES, BATCH = 1024, 8


def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(SAMPLES, 4)).astype("float32")
    return x, (x @ np.array([[1.0], [-2.0], [0.5], [3.0]], "float32")).astype("float32")


def model(units: int = 8, dropout: float = 0.25, steps_per_execution: int | str = "auto") -> object:
    import oneiros as oi
    from oneiros import layers

    oi.utils.set_random_seed(1)
    built = oi.Sequential([layers.Input((4,)), layers.Dense(units, activation="tanh"), layers.Dropout(dropout),
                           layers.Dense(1)])
    built.compile(optimizer=oi.optimizers.Adam(learning_rate=0.01), loss="mse",
                  steps_per_execution=steps_per_execution)
    return built


def fit(built: object, epochs: int = 2) -> dict[str, object]:
    import oneiros as oi

    class FirstGroupSize(oi.callbacks.Callback):
        def on_train_begin(self, logs: object = None) -> None:
            self.at_start = self.params["steps_per_execution"]

    first = FirstGroupSize()
    x, y = data()
    history = built.fit(x, y, batch_size=BATCH, epochs=epochs, shuffle=True, verbose=0, callbacks=[first])
    trainer = built._get_trainer()
    return {"source": trainer.fusion_search.source, "at_start": first.at_start,
            "at_end": history.params["steps_per_execution"], "compiled": sorted(steps for steps, _ in trainer._train_functions)}


if __name__ == "__main__":
    import oneiros as oi

    with oi.backend_scope("jax"):
        print(json.dumps(fit(model())))
