"""keras-io example: Knowledge Distillation
(https://keras.io/examples/vision/knowledge_distillation/).

A small convolutional teacher trained on MNIST digits, then frozen; a Distiller model whose
compile takes extra arguments (student loss, distillation loss, alpha, temperature) and whose
compute_loss mixes the student loss with the KL divergence between softened teacher and
student logits; the distilled student evaluated, and a clone of it trained from scratch for
comparison.
"""
import numpy as np

import keras
from keras import layers, ops

from _data import mnist
from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run


class Distiller(keras.Model):
    def __init__(self, student, teacher):
        super().__init__()
        self.teacher = teacher
        self.student = student

    def compile(self, optimizer, metrics, student_loss_fn, distillation_loss_fn, alpha=0.1, temperature=3):
        super().compile(optimizer=optimizer, metrics=metrics)
        self.student_loss_fn = student_loss_fn
        self.distillation_loss_fn = distillation_loss_fn
        self.alpha = alpha
        self.temperature = temperature

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, allow_empty=False):
        teacher_pred = self.teacher(x, training=False)
        student_loss = self.student_loss_fn(y, y_pred)
        distillation_loss = self.distillation_loss_fn(
            ops.softmax(teacher_pred / self.temperature, axis=1),
            ops.softmax(y_pred / self.temperature, axis=1),
        ) * (self.temperature ** 2)
        return self.alpha * student_loss + (1 - self.alpha) * distillation_loss

    def call(self, x):
        return self.student(x)


def conv_classifier(filters, name):
    """The teacher's and the student's shape, the student with fewer filters."""
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(filters, (3, 3), strides=(2, 2), padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.MaxPooling2D(pool_size=(2, 2), strides=(1, 1), padding="same"),
        layers.Conv2D(2 * filters, (3, 3), strides=(2, 2), padding="same"),
        layers.Flatten(),
        layers.Dense(10),
    ], name=name)


teacher = conv_classifier(16, "teacher")
student = conv_classifier(4, "student")
seed_and_describe(teacher, seed=0, prefix="teacher")
seed_and_describe(student, seed=1, prefix="student")
student_scratch = keras.models.clone_model(student)
student_scratch.set_weights(student.get_weights())

(x_train, y_train), (x_test, y_test) = mnist(train=1536, test=512)

teacher.compile(optimizer=keras.optimizers.Adam(), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                metrics=[keras.metrics.SparseCategoricalAccuracy()])
history = teacher.fit(x_train, y_train, batch_size=64, epochs=2, shuffle=False, verbose=0)
report("trained", "teacher_loss", history.history["loss"])
report("trained", "teacher_test", teacher.evaluate(x_test, y_test, verbose=0))
teacher.trainable = False
teacher_weights = [np.array(w) for w in teacher.get_weights()]

distiller = Distiller(student=student, teacher=teacher)
distiller.compile(
    optimizer=keras.optimizers.Adam(),
    metrics=[keras.metrics.SparseCategoricalAccuracy()],
    student_loss_fn=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    distillation_loss_fn=keras.losses.KLDivergence(),
    alpha=0.1,
    temperature=10,
)
first_batch = distiller.compute_loss(x_train[:64], y_train[:64], distiller(x_train[:64]))
report("close", "initial_distillation_loss", float(first_batch))
history = distiller.fit(x_train, y_train, batch_size=64, epochs=3, shuffle=False, verbose=0)
report("exact", "distiller_history_keys", sorted(history.history))
report("trained", "distiller_loss", history.history["loss"])
report("trained", "distiller_accuracy", history.history["sparse_categorical_accuracy"])
report("exact", "teacher_unchanged", all(np.array_equal(a, np.array(b))
                                         for a, b in zip(teacher_weights, teacher.get_weights())))
report("exact", "distiller_trainable_count", len(distiller.trainable_weights))
report("trained", "distilled_test", distiller.evaluate(x_test, y_test, verbose=0))
report("trained", "student_logits", student.predict(x_test[:2], verbose=0))

student_scratch.compile(optimizer=keras.optimizers.Adam(),
                        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                        metrics=[keras.metrics.SparseCategoricalAccuracy()])
student_scratch.fit(x_train, y_train, batch_size=64, epochs=3, shuffle=False, verbose=0)
report("trained", "scratch_test", student_scratch.evaluate(x_test, y_test, verbose=0))
