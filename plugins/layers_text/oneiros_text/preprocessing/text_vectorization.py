"""TextVectorization: raw strings to token indices or encodings, without TensorFlow."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from oneiros import arguments, ops
from oneiros.layers import Layer

from oneiros_text.preprocessing import _text
from oneiros_text.preprocessing._hashing import hash_strings
from oneiros_text.preprocessing._host import adapt_batches, as_strings, host_array
from oneiros_text.preprocessing._lookup_table import LookupTable
from oneiros_text.preprocessing._vocabulary import TokenCounter


class TextVectorization(Layer):
    """Turns a batch of strings into integer token sequences or per-sample encodings, with
    Keras 3's arguments, defaults and vocabulary rules, in numpy and Python (no TensorFlow):

    1. ``standardize``: ``"lower_and_strip_punctuation"`` (default), ``"lower"``,
       ``"strip_punctuation"``, None, or a callable taking the batch (a numpy object array of
       str) and returning one string per sample;
    2. ``split``: ``"whitespace"`` (runs of ASCII whitespace), ``"character"`` (code points),
       None (each input string is already a token), or a callable taking the batch and
       returning one token list per sample;
    3. ``ngrams``: None, ``n`` (1- to n-grams) or a tuple of widths, tokens joined by a space;
    4. the vocabulary, from ``adapt(data)`` (most frequent first, ties by token descending,
       at most ``max_tokens`` entries with the special ones) or ``vocabulary=[...]``;
    5. ``output_mode``: ``"int"`` (index 0 = padding "", 1 = OOV "[UNK]"; sequences padded
       with 0 or cut to ``output_sequence_length``, else to the batch's longest), or
       ``"multi_hot"``, ``"count"``, ``"tf_idf"`` (index 0 = OOV; float32 of width
       vocabulary size, or ``max_tokens`` with ``pad_to_max_tokens``). tf-idf weights are
       ``log(1 + documents / (1 + documents with the token))``, the OOV weight their mean.

    Inputs are ``(batch,)`` or ``(batch, 1)`` strings (a list, or a numpy str/object/bytes
    array). The vocabulary and idf weights are saved in the layer's config and restored by
    ``from_config``; a vocabulary is a list, never a path to read.

    It runs on the host, outside compiled code: call it on the data and train on the integer
    result (``x = vectorizer(texts); model.fit(x, y)``). Calling it inside a compiled step
    raises an error that says so.

    Example::

        vectorizer = TextVectorization(max_tokens=10000, output_sequence_length=64)
        vectorizer.adapt(train_texts)
        x = vectorizer(["Free entry in 2 a wkly comp", "Ok lar..."])    # int32 (2, 64)
    """

    supports_jit = False  # numpy on concrete arrays (see _host.py): models holding it run eagerly

    def __init__(self, max_tokens: int | None = None, standardize: Any = "lower_and_strip_punctuation",
                 split: Any = "whitespace", ngrams: Any = None, output_mode: str = "int",
                 output_sequence_length: int | None = None, pad_to_max_tokens: bool = False,
                 vocabulary: Any = None, idf_weights: Any = None, encoding: str = "utf-8", **kwargs: Any):
        owner = type(self).__name__
        if not callable(standardize):
            arguments.choice(owner, "standardize", standardize, _text.STANDARDIZE_MODES)
        if not callable(split):
            arguments.choice(owner, "split", split, _text.SPLIT_MODES)
        widths = _text.ngram_widths(owner, ngrams)
        arguments.choice(owner, "output_mode", output_mode, ("int", "multi_hot", "count", "tf_idf"))
        output_sequence_length = arguments.positive_int(owner, "output_sequence_length",
                                                               output_sequence_length, optional=True)
        if output_sequence_length is not None and output_mode != "int":
            raise ValueError(f"{owner}: output_sequence_length applies to output_mode='int' only; received "
                             f"output_mode={output_mode!r}.")
        table = LookupTable(owner, max_tokens=max_tokens, num_oov_indices=1, mask_token="", oov_token="[UNK]",
                            output_mode=output_mode, pad_to_max_tokens=pad_to_max_tokens, oov_buckets=hash_strings)
        if vocabulary is not None:
            table.set_vocabulary(vocabulary, idf_weights, convert=str)
        elif idf_weights is not None:
            raise ValueError(f"{owner}: idf_weights need a vocabulary; received idf_weights without vocabulary.")
        super().__init__(**kwargs)
        self.standardize = standardize
        self.split = split
        self.ngrams = ngrams
        self._ngram_widths = widths
        self.output_mode = output_mode
        self.output_sequence_length = output_sequence_length
        self.encoding = encoding
        self._table = table

    def vocabulary_size(self) -> int:
        return self._table.vocabulary_size()

    def get_vocabulary(self, include_special_tokens: bool = True) -> list[str]:
        return self._table.get_vocabulary(include_special_tokens)

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        self._table.set_vocabulary(vocabulary, idf_weights, convert=str)

    def load_keras_assets(self, files: Mapping[str, bytes]) -> None:
        """The adapted vocabulary of a Keras ``.keras`` file (``assets/<layer path>/vocabulary.txt``)."""
        self._table.load_asset(files, str)

    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Learns the vocabulary (and idf weights) from ``data``: a list or array of strings, or an
        ``oneiros.data.Dataset`` whose batches are strings or ``(strings, labels)``."""
        counter = TokenCounter()
        for batch in adapt_batches(type(self).__name__, data, steps):
            for tokens in self._token_rows(batch):
                counter.add_document(tokens)
        self._table.learn(counter)

    def _token_rows(self, inputs: Any) -> list[list[str]]:
        owner = type(self).__name__
        texts = as_strings(owner, host_array(owner, inputs), self.encoding)
        if self.split is not None:
            if texts.ndim == 2 and texts.shape[1] == 1:
                texts = texts[:, 0]
            if texts.ndim != 1:
                raise ValueError(f"{owner} {self.name!r} splits strings of shape (batch,) or (batch, 1); received "
                                 f"shape {texts.shape}.")
        elif texts.ndim not in (1, 2):
            raise ValueError(f"{owner} {self.name!r} with split=None takes tokens of shape (batch,) or (batch, "
                             f"tokens); received shape {texts.shape}.")
        rows = _text.split(_text.standardize(texts, self.standardize), self.split)
        return [_text.ngrams(tokens, self._ngram_widths) for tokens in rows]

    def call(self, inputs: Any) -> Any:
        rows = self._token_rows(inputs)
        lengths = [len(tokens) for tokens in rows]
        flat = self._table.lookup([token for tokens in rows for token in tokens])
        index_rows = np.split(flat, np.cumsum(lengths)[:-1]) if rows else []
        if self.output_mode != "int":
            return ops.convert_to_tensor(self._table.encode_rows(index_rows), "float32")
        length = self.output_sequence_length or max(lengths, default=0)
        sequences = np.zeros((len(rows), length), dtype=np.int32)
        for position, indices in enumerate(index_rows):
            kept = indices[:length]
            sequences[position, :kept.size] = kept
        return ops.convert_to_tensor(sequences, "int32")

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        batch = tuple(input_shape)[0] if input_shape else None
        if self.output_mode == "int":
            return (batch, self.output_sequence_length)
        return (batch, self._table.depth())

    def compute_output_dtype(self, input_dtype: Any) -> str:
        return "int32" if self.output_mode == "int" else "float32"

    def get_config(self) -> dict[str, Any]:
        for argument in ("standardize", "split"):
            if callable(getattr(self, argument)):
                raise ValueError(f"TextVectorization {self.name!r} cannot be serialized with a callable `{argument}`: "
                                 "configs never name code. Use a built-in mode, or rebuild the layer in code and set "
                                 "its vocabulary with set_vocabulary(...).")
        table = self._table
        return {
            **super().get_config(),
            "max_tokens": table.max_tokens,
            "standardize": self.standardize,
            "split": self.split,
            "ngrams": list(self.ngrams) if isinstance(self.ngrams, tuple) else self.ngrams,
            "output_mode": self.output_mode,
            "output_sequence_length": self.output_sequence_length,
            "pad_to_max_tokens": table.pad_to_max_tokens,
            "vocabulary": table.get_vocabulary() if table.has_vocabulary else None,
            "idf_weights": None if table.idf is None else table.idf[:table.vocabulary_size()].tolist(),
            "encoding": self.encoding,
        }
