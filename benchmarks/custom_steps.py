"""Training speed with a Keras JAX-style custom train_step against the default step.

The MLP 784-512-512-10 (relu, softmax, Adam, batch 128, float32, sparse categorical crossentropy,
accuracy), subclassed; "custom" overrides train_step as keras-io's "Customizing fit() with JAX"
does (jax.value_and_grad over stateless_call and compute_loss, optimizer.stateless_apply, every
metric of self.metrics updated statelessly). Contenders, each in a fresh process: Keras 3 on JAX
and oneiros on jax, each with the default and the custom step. Prints samples/second (median of
the epochs after the first, which compiles) and ratios: the custom step should cost oneiros what
it costs Keras, and the default oneiros step is untouched by the override machinery.

Run: .venv/bin/python benchmarks/custom_steps.py [--samples 30000] [--repeats 3] [--rounds 1]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _harness import print_table, run_contenders, timed_epochs  # noqa: E402

CONTENDERS = ["keras default", "keras custom", "oneiros default", "oneiros custom"]


def model_class(library: Any, custom: bool) -> type:
    import jax

    class MLP(library.Model):
        def __init__(self, **kwargs: Any):
            super().__init__(**kwargs)
            self.hidden = [library.layers.Dense(512, activation="relu") for _ in range(2)]
            self.out = library.layers.Dense(10, activation="softmax")

        def call(self, x: Any, training: bool = False) -> Any:
            for layer in self.hidden:
                x = layer(x)
            return self.out(x)

    class CustomMLP(MLP):
        def loss_and_updates(self, trainable: Any, non_trainable: Any, x: Any, y: Any) -> Any:
            y_pred, non_trainable = self.stateless_call(trainable, non_trainable, x, training=True)
            return self.compute_loss(x, y, y_pred), (y_pred, non_trainable)

        def train_step(self, state: Any, data: Any) -> Any:
            trainable, non_trainable, optimizer_variables, metrics_variables = state
            x, y = data
            (loss, (y_pred, non_trainable)), grads = jax.value_and_grad(self.loss_and_updates, has_aux=True)(
                trainable, non_trainable, x, y)
            trainable, optimizer_variables = self.optimizer.stateless_apply(optimizer_variables, grads, trainable)
            new_metrics_variables: list[Any] = []
            logs = {}
            for metric in self.metrics:
                start = len(new_metrics_variables)
                values = metrics_variables[start:start + len(metric.variables)]
                values = (metric.stateless_update_state(values, loss) if metric.name == "loss"
                          else metric.stateless_update_state(values, y, y_pred))
                logs[metric.name] = metric.stateless_result(values)
                new_metrics_variables += values
            return logs, (trainable, non_trainable, optimizer_variables, new_metrics_variables)

    return CustomMLP if custom else MLP


def worker(name: str, samples: int, repeats: int) -> dict[str, Any]:
    library_name, variant = name.split()
    if library_name == "keras":
        import keras as library
    else:
        import oneiros as library
    rng = np.random.default_rng(0)
    x, y = rng.random((samples, 784), dtype=np.float32), rng.integers(0, 10, samples).astype(np.int32)
    model = model_class(library, variant == "custom")()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return timed_epochs(lambda: model.fit(x, y, batch_size=128, epochs=1, verbose=0, shuffle=False), samples,
                        repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=30000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--worker")
    arguments = parser.parse_args()
    if arguments.worker:
        print(json.dumps(worker(arguments.worker, arguments.samples, arguments.repeats)))
        return
    extra = ["--samples", str(arguments.samples), "--repeats", str(arguments.repeats)]
    results = run_contenders(__file__, CONTENDERS, extra, rounds=arguments.rounds)
    print_table(f"MLP 784-512-512-10, custom train_step, {arguments.samples} samples", results, "keras default",
                "keras custom", "oneiros default")


if __name__ == "__main__":
    main()
