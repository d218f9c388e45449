"""keras-io guide: The Functional API, "Models with multiple inputs and outputs"
(https://keras.io/guides/functional_api/#models-with-multiple-inputs-and-outputs).

A ticket triage model on synthetic tickets: a title, a body and binary tags in; a priority
score and a department out. Inputs and outputs are named, losses and loss weights are given
per output as dicts, data is fed as dicts, and evaluate returns every loss and metric.
"""
import numpy as np

import keras
from keras import layers

from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run

num_tags, num_words, num_departments = 12, 500, 4

title_input = keras.Input(shape=(None,), name="title")
body_input = keras.Input(shape=(None,), name="body")
tags_input = keras.Input(shape=(num_tags,), name="tags")
title_features = layers.LSTM(16)(layers.Embedding(num_words, 16)(title_input))
body_features = layers.GlobalAveragePooling1D()(layers.Embedding(num_words, 16)(body_input))
x = layers.concatenate([title_features, body_features, tags_input])
priority_pred = layers.Dense(1, name="priority")(x)
department_pred = layers.Dense(num_departments, name="department")(x)
model = keras.Model(inputs=[title_input, body_input, tags_input], outputs=[priority_pred, department_pred])
report("exact", "input_names", [t.name for t in model.inputs])
report("exact", "output_shapes", [tuple(t.shape) for t in model.outputs])
seed_and_describe(model)

rng = np.random.default_rng(0)
title_data = rng.integers(0, num_words, size=(256, 8))
body_data = rng.integers(0, num_words, size=(256, 30))
tags_data = rng.integers(0, 2, size=(256, num_tags)).astype("float32")
priority_targets = (tags_data[:, :3].sum(axis=1, keepdims=True) / 3.0).astype("float32")
dept_targets = keras.utils.to_categorical(tags_data[:, 3:5] @ np.array([1, 2]), num_departments)
inputs = {"title": title_data, "body": body_data, "tags": tags_data}

priority, department = model.predict(inputs, verbose=0)
report("close", "initial_priority", priority[:3])
report("close", "initial_department", department[:2])

model.compile(
    optimizer=keras.optimizers.RMSprop(1e-3),
    loss={"priority": keras.losses.MeanSquaredError(),
          "department": keras.losses.CategoricalCrossentropy(from_logits=True)},
    loss_weights={"priority": 1.0, "department": 0.2},
    metrics={"department": ["accuracy"]},
)
history = model.fit(inputs, {"priority": priority_targets, "department": dept_targets}, epochs=3, batch_size=32,
                    shuffle=False, verbose=0)
report("exact", "history_keys", sorted(history.history))
report("trained", "loss", history.history["loss"])
report("trained", "priority_loss", history.history["priority_loss"])
scores = model.evaluate(inputs, {"priority": priority_targets, "department": dept_targets}, verbose=0,
                        return_dict=True)
report("exact", "evaluate_keys", sorted(scores))
report("trained", "evaluate", scores)
