"""keras-io example: Image similarity estimation using a Siamese Network with a contrastive loss
(https://keras.io/examples/vision/siamese_contrastive/).

Pairs of MNIST digits (one of the same class, labelled 0, and one of another class, labelled 1,
for every image); one embedding network (BatchNormalization, Conv2D, AveragePooling2D, Dense)
shared by two towers, a Lambda computing their Euclidean distance with ops, BatchNormalization and
a sigmoid Dense on it, trained with a contrastive loss built by a loss factory with a margin.
"""
import numpy as np

import keras
from keras import ops

from _data import mnist
from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run

(x_train_val, y_train_val), (x_test, y_test) = mnist(train=720, test=200)
rng = np.random.default_rng(0)


def make_pairs(x, y):
    """Every image with one of its class (label 0) and one of another class (label 1)."""
    digit_indices = [np.where(y == i)[0] for i in range(10)]
    pairs, labels = [], []
    for idx1 in range(len(x)):
        label1 = y[idx1]
        idx2 = rng.choice(digit_indices[label1])
        pairs += [[x[idx1], x[idx2]]]
        labels += [0]
        label2 = rng.integers(0, 9)
        label2 = label2 if label2 < label1 else label2 + 1  # any other digit
        idx2 = rng.choice(digit_indices[label2])
        pairs += [[x[idx1], x[idx2]]]
        labels += [1]
    return np.array(pairs), np.array(labels).astype("float32")


x_train, x_val = x_train_val[:600], x_train_val[600:]
y_train, y_val = y_train_val[:600], y_train_val[600:]
pairs_train, labels_train = make_pairs(x_train, y_train)
pairs_val, labels_val = make_pairs(x_val, y_val)
pairs_test, labels_test = make_pairs(x_test, y_test)
x_train_1, x_train_2 = pairs_train[:, 0], pairs_train[:, 1]
report("exact", "pair_shapes", [pairs_train.shape, pairs_val.shape, pairs_test.shape])


def euclidean_distance(vects):
    x, y = vects
    sum_square = ops.sum(ops.square(x - y), axis=1, keepdims=True)
    return ops.sqrt(ops.maximum(sum_square, keras.backend.epsilon()))


input = keras.layers.Input((28, 28, 1))
x = keras.layers.BatchNormalization()(input)
x = keras.layers.Conv2D(4, (5, 5), activation="tanh")(x)
x = keras.layers.AveragePooling2D(pool_size=(2, 2))(x)
x = keras.layers.Conv2D(16, (5, 5), activation="tanh")(x)
x = keras.layers.AveragePooling2D(pool_size=(2, 2))(x)
x = keras.layers.Flatten()(x)
x = keras.layers.BatchNormalization()(x)
x = keras.layers.Dense(10, activation="tanh")(x)
embedding_network = keras.Model(input, x)

input_1 = keras.layers.Input((28, 28, 1))
input_2 = keras.layers.Input((28, 28, 1))
tower_1 = embedding_network(input_1)
tower_2 = embedding_network(input_2)
merge_layer = keras.layers.Lambda(euclidean_distance, output_shape=(1,))([tower_1, tower_2])
normal_layer = keras.layers.BatchNormalization()(merge_layer)
output_layer = keras.layers.Dense(1, activation="sigmoid")(normal_layer)
siamese = keras.Model(inputs=[input_1, input_2], outputs=output_layer)
report("exact", "layer_count", [len(siamese.layers), len(embedding_network.layers)])
seed_and_describe(siamese)
report("close", "initial_scores", siamese.predict([pairs_test[:4, 0], pairs_test[:4, 1]], verbose=0))


def loss(margin=1):
    def contrastive_loss(y_true, y_pred):
        square_pred = ops.square(y_pred)
        margin_square = ops.square(ops.maximum(margin - (y_pred), 0))
        return ops.mean((1 - y_true) * square_pred + (y_true) * margin_square)

    return contrastive_loss


siamese.compile(loss=loss(margin=1), optimizer="RMSprop", metrics=["accuracy"])
report("close", "initial_test", siamese.evaluate([pairs_test[:, 0], pairs_test[:, 1]], labels_test, verbose=0))
history = siamese.fit([x_train_1, x_train_2], labels_train,
                      validation_data=([pairs_val[:, 0], pairs_val[:, 1]], labels_val),
                      batch_size=16, epochs=3, shuffle=False, verbose=0)
report("exact", "history_keys", sorted(history.history))
report("trained", "loss", history.history["loss"])
report("trained", "accuracy", history.history["accuracy"])
report("trained", "val_loss", history.history["val_loss"])
report("trained", "test", siamese.evaluate([pairs_test[:, 0], pairs_test[:, 1]], labels_test, verbose=0))
report("trained", "moving_variance", siamese.layers[-2].moving_variance)
predictions = siamese.predict([pairs_test[:, 0], pairs_test[:, 1]], verbose=0)
report("trained", "predictions", predictions[:6, 0])
