"""keras-io example: Simple MNIST convnet (https://keras.io/examples/vision/mnist_convnet/).

A small convnet on an MNIST subset (read from ../shared/data with gzip and numpy), one-hot
labels from to_categorical, validation split, evaluate and predict.
"""
import numpy as np

import keras
from keras import layers

from _data import mnist
from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run

num_classes = 10
(x_train, y_train), (x_test, y_test) = mnist(train=2000, test=500)
y_train_onehot = keras.utils.to_categorical(y_train, num_classes)
y_test_onehot = keras.utils.to_categorical(y_test, num_classes)
report("exact", "onehot_shape", y_train_onehot.shape)
report("exact", "onehot_first", y_train_onehot[:2])

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(16, kernel_size=(3, 3), activation="relu"),
    layers.MaxPooling2D(pool_size=(2, 2)),
    layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
    layers.MaxPooling2D(pool_size=(2, 2)),
    layers.Flatten(),
    layers.Dropout(0.5),
    layers.Dense(num_classes, activation="softmax"),
])
report("exact", "output_shapes", [tuple(layer.output.shape) for layer in model.layers])
seed_and_describe(model)
report("close", "initial_probabilities", model.predict(x_test[:3], verbose=0))

model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
report("close", "initial_evaluate", model.evaluate(x_test, y_test_onehot, verbose=0))
history = model.fit(x_train, y_train_onehot, batch_size=128, epochs=3, validation_split=0.1, verbose=0)
report("loose", "val_accuracy", history.history["val_accuracy"][-1])
score = model.evaluate(x_test, y_test_onehot, verbose=0)
report("loose", "test_loss", score[0])
report("loose", "test_accuracy", score[1])
predicted = np.argmax(model.predict(x_test, verbose=0), axis=-1)
report("loose", "prediction_agreement_with_labels", float(np.mean(predicted == y_test)))
