"""keras-io guide: Writing a training loop from scratch in JAX
(https://keras.io/guides/writing_a_custom_training_loop_in_jax/).

An MLP on MNIST digits trained by a loop of the program's own: model.stateless_call inside a
loss function, jax.value_and_grad and jax.jit over the whole step, optimizer.stateless_apply,
a metric updated with stateless_update_state, an evaluation step, and the final values assigned
back to the model's variables before Keras's own evaluate reads them.
"""
import jax
import numpy as np

import keras

from _data import mnist
from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run

inputs = keras.Input(shape=(784,), name="digits")
x1 = keras.layers.Dense(64, activation="relu")(inputs)
x2 = keras.layers.Dense(64, activation="relu")(x1)
outputs = keras.layers.Dense(10, name="predictions")(x2)
model = keras.Model(inputs=inputs, outputs=outputs)
seed_and_describe(model)

(x_train, y_train), (x_test, y_test) = mnist(train=2048, test=512)
x_train, x_test = x_train.reshape(-1, 784), x_test.reshape(-1, 784)
batch_size = 64
train_batches = [(x_train[i:i + batch_size], y_train[i:i + batch_size]) for i in range(0, len(x_train), batch_size)]
val_batches = [(x_test[i:i + batch_size], y_test[i:i + batch_size]) for i in range(0, len(x_test), batch_size)]

loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = keras.optimizers.Adam(learning_rate=1e-3)
train_acc_metric = keras.metrics.SparseCategoricalAccuracy()
val_acc_metric = keras.metrics.SparseCategoricalAccuracy()


def compute_loss_and_updates(trainable_variables, non_trainable_variables, metric_variables, x, y):
    y_pred, non_trainable_variables = model.stateless_call(trainable_variables, non_trainable_variables, x)
    loss = loss_fn(y, y_pred)
    metric_variables = train_acc_metric.stateless_update_state(metric_variables, y, y_pred)
    return loss, (non_trainable_variables, metric_variables)


grad_fn = jax.value_and_grad(compute_loss_and_updates, has_aux=True)


@jax.jit
def train_step(state, data):
    trainable_variables, non_trainable_variables, optimizer_variables, metric_variables = state
    x, y = data
    (loss, (non_trainable_variables, metric_variables)), grads = grad_fn(
        trainable_variables, non_trainable_variables, metric_variables, x, y)
    trainable_variables, optimizer_variables = optimizer.stateless_apply(
        optimizer_variables, grads, trainable_variables)
    return loss, (trainable_variables, non_trainable_variables, optimizer_variables, metric_variables)


@jax.jit
def eval_step(state, data):
    trainable_variables, non_trainable_variables, metric_variables = state
    x, y = data
    y_pred, non_trainable_variables = model.stateless_call(trainable_variables, non_trainable_variables, x)
    loss = loss_fn(y, y_pred)
    metric_variables = val_acc_metric.stateless_update_state(metric_variables, y, y_pred)
    return loss, (trainable_variables, non_trainable_variables, metric_variables)


optimizer.build(model.trainable_variables)
report("exact", "optimizer_variable_count", len(optimizer.variables))
report("exact", "metric_variable_count", len(train_acc_metric.variables))

def values(variables):
    """The guide passes the variables themselves; this JAX no longer takes objects with
    __jax_array__ as jit arguments, so the loop starts from their values."""
    return [variable.value for variable in variables]


state = (values(model.trainable_variables), values(model.non_trainable_variables), values(optimizer.variables),
         values(train_acc_metric.variables))

losses, accuracies = [], []
for epoch in range(2):
    for step, data in enumerate(train_batches):
        loss_value, state = train_step(state, data)
        if step % 8 == 0:
            losses.append(float(loss_value))
    trainable_variables, non_trainable_variables, optimizer_variables, metric_variables = state
    accuracies.append(float(train_acc_metric.stateless_result(metric_variables)))
    state = (trainable_variables, non_trainable_variables, optimizer_variables,
             train_acc_metric.stateless_reset_state())
report("close", "first_loss", losses[0])
report("trained", "losses", losses)
report("trained", "train_accuracy", accuracies)

trainable_variables, non_trainable_variables, optimizer_variables, metric_variables = state
eval_state = (trainable_variables, non_trainable_variables, values(val_acc_metric.variables))
val_losses = []
for data in val_batches:
    loss_value, eval_state = eval_step(eval_state, data)
    val_losses.append(float(loss_value))
report("trained", "val_loss", float(np.mean(val_losses)))
report("trained", "val_accuracy", float(val_acc_metric.stateless_result(eval_state[2])))

for variable, value in zip(model.trainable_variables, trainable_variables):
    variable.assign(value)
for variable, value in zip(model.non_trainable_variables, non_trainable_variables):
    variable.assign(value)
model.compile(loss=loss_fn, metrics=["sparse_categorical_accuracy"])
report("trained", "evaluate_after_assign", model.evaluate(x_test, y_test, verbose=0))
