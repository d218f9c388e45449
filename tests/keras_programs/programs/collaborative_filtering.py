"""keras-io example: Collaborative Filtering for Movie Recommendations
(https://keras.io/examples/structured_data/collaborative_filtering_movielens/).

Synthetic ratings (users and movies with hidden tastes, ratings from 0.5 to 5 in half steps,
standing in for MovieLens) with ids encoded to indices, ratings scaled to [0, 1]; a subclassed
RecommenderNet of user and movie Embedding vectors and biases (the vectors with an L2 penalty)
scoring a pair with ops.tensordot and a sigmoid; training, and the top movies recommended for one
user among those they have not rated.
"""
import numpy as np

import keras
from keras import layers, ops

from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run

rng = np.random.default_rng(0)
user_ids = rng.choice(np.arange(1000, 5000), size=60, replace=False)
movie_ids = rng.choice(np.arange(1, 20000), size=90, replace=False)
user_taste, movie_style = rng.normal(size=(60, 3)), rng.normal(size=(90, 3))
pairs = rng.choice(60 * 90, size=1800, replace=False)
scores = np.sum(user_taste[pairs // 90] * movie_style[pairs % 90], axis=1) + rng.normal(0, 0.5, size=len(pairs))
ratings = np.clip(np.round(2 * (2.75 + scores)) / 2, 0.5, 5.0)
df = {"userId": user_ids[pairs // 90], "movieId": movie_ids[pairs % 90], "rating": ratings}

user2user_encoded = {x: i for i, x in enumerate(sorted(set(df["userId"].tolist())))}
movie2movie_encoded = {x: i for i, x in enumerate(sorted(set(df["movieId"].tolist())))}
movie_encoded2movie = {i: x for x, i in movie2movie_encoded.items()}
users = np.array([user2user_encoded[x] for x in df["userId"]])
movies = np.array([movie2movie_encoded[x] for x in df["movieId"]])
num_users, num_movies = len(user2user_encoded), len(movie2movie_encoded)
min_rating, max_rating = min(df["rating"]), max(df["rating"])
report("exact", "counts", [num_users, num_movies, float(min_rating), float(max_rating)])

x = np.stack([users, movies], axis=1)
y = ((df["rating"] - min_rating) / (max_rating - min_rating)).astype("float32")
train_indices = int(0.9 * len(x))
x_train, x_val, y_train, y_val = x[:train_indices], x[train_indices:], y[:train_indices], y[train_indices:]

EMBEDDING_SIZE = 16


class RecommenderNet(keras.Model):
    def __init__(self, num_users, num_movies, embedding_size, **kwargs):
        super().__init__(**kwargs)
        self.num_users = num_users
        self.num_movies = num_movies
        self.embedding_size = embedding_size
        self.user_embedding = layers.Embedding(num_users, embedding_size, embeddings_initializer="he_normal",
                                               embeddings_regularizer=keras.regularizers.l2(1e-6))
        self.user_bias = layers.Embedding(num_users, 1)
        self.movie_embedding = layers.Embedding(num_movies, embedding_size, embeddings_initializer="he_normal",
                                                embeddings_regularizer=keras.regularizers.l2(1e-6))
        self.movie_bias = layers.Embedding(num_movies, 1)

    def call(self, inputs):
        user_vector = self.user_embedding(inputs[:, 0])
        user_bias = self.user_bias(inputs[:, 0])
        movie_vector = self.movie_embedding(inputs[:, 1])
        movie_bias = self.movie_bias(inputs[:, 1])
        # as keras-io writes it: axes=2 contracts the batch too, one score shared by the whole batch
        dot_user_movie = ops.tensordot(user_vector, movie_vector, 2)
        x = dot_user_movie + user_bias + movie_bias
        return ops.nn.sigmoid(x)


model = RecommenderNet(num_users, num_movies, EMBEDDING_SIZE)
model.compile(loss=keras.losses.BinaryCrossentropy(), optimizer=keras.optimizers.Adam(learning_rate=0.001))
model(x_train[:2])
seed_and_describe(model)
report("close", "initial_scores", model.predict(x_val[:4], verbose=0))
report("close", "initial_val_loss", model.evaluate(x_val, y_val, verbose=0))
report("close", "penalties", [float(loss) for loss in model.losses])

history = model.fit(x=x_train, y=y_train, batch_size=64, epochs=5, verbose=0, validation_data=(x_val, y_val),
                    shuffle=False)
report("exact", "history_keys", sorted(history.history))
report("trained", "loss", history.history["loss"])
report("trained", "val_loss", history.history["val_loss"])

user_id = df["userId"][0]
rated = set(df["movieId"][df["userId"] == user_id].tolist())
movies_not_watched = [movie2movie_encoded[m] for m in sorted(movie2movie_encoded) if m not in rated]
user_movie_array = np.stack([np.full(len(movies_not_watched), user2user_encoded[user_id]),
                             movies_not_watched], axis=1)
predicted = model.predict(user_movie_array, verbose=0).flatten()
report("trained", "predicted_for_user", predicted[:8])
report("exact", "candidates", len(movies_not_watched))
top_ratings_indices = predicted.argsort()[-10:][::-1]
recommended_movie_ids = [movie_encoded2movie[movies_not_watched[i]] for i in top_ratings_indices]
report("trained", "top_predicted", predicted[predicted.argsort()[-11:][::-1]])  # with the eleventh: the top ten stand apart from it
true_scores = {movie_ids[j]: float(user_taste[list(user_ids).index(user_id)] @ movie_style[j]) for j in range(90)}
true_top = sorted((movie_encoded2movie[m] for m in movies_not_watched), key=true_scores.get)[-10:]
report("exact", "recommended_among_true_top", len(set(recommended_movie_ids) & set(true_top)))
