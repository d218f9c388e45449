"""IndexLookup: what StringLookup and IntegerLookup share (host-side lookups of a vocabulary)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any

import numpy as np

from oneiros import arguments, ops
from oneiros.layers import Layer

from oneiros_text.preprocessing._host import adapt_batches, host_array
from oneiros_text.preprocessing._lookup_table import LookupTable
from oneiros_text.preprocessing._vocabulary import TokenCounter


class IndexLookup(Layer):
    """Maps tokens to vocabulary indices (or back, with ``invert``) in numpy, on the host, and
    returns int32 indices or float32 encodings (``one_hot``, ``multi_hot``, ``count``,
    ``tf_idf``) as tensors. Subclasses say how inputs become tokens (:meth:`_tokens`).

    The vocabulary (and idf weights) live in the config, so a saved model restores them.
    """

    supports_jit = False  # numpy on concrete arrays (see _host.py): models holding it run eagerly

    asset_token_type: Callable[[str], Hashable] = str
    """How a line of a Keras vocabulary file becomes a token."""

    def __init__(self, *, max_tokens: int | None, num_oov_indices: int, mask_token: Hashable | None,
                 oov_token: Hashable, vocabulary: Any, idf_weights: Any, invert: bool, output_mode: str,
                 pad_to_max_tokens: bool, oov_buckets: Callable[[list, int], np.ndarray],
                 convert_token: Callable[[Any], Hashable], **kwargs: Any):
        owner = type(self).__name__
        invert = arguments.flag(owner, "invert", invert)
        if invert and output_mode != "int":
            raise ValueError(f"{owner}: invert=True needs output_mode='int'; received output_mode={output_mode!r}.")
        table = LookupTable(owner, max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                            oov_token=oov_token, output_mode=output_mode, pad_to_max_tokens=pad_to_max_tokens,
                            oov_buckets=oov_buckets)
        if vocabulary is not None:
            table.set_vocabulary(vocabulary, idf_weights, convert=convert_token)
        elif idf_weights is not None:
            raise ValueError(f"{owner}: idf_weights need a vocabulary; received idf_weights without vocabulary.")
        super().__init__(**kwargs)
        self.invert = invert
        self._table = table
        self._convert_token = convert_token

    @property
    def output_mode(self) -> str:
        return self._table.output_mode

    def _tokens(self, array: np.ndarray) -> list:
        """The flat list of tokens in ``array`` (row-major)."""
        raise NotImplementedError

    def vocabulary_size(self) -> int:
        return self._table.vocabulary_size()

    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        return self._table.get_vocabulary(include_special_tokens)

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        self._table.set_vocabulary(vocabulary, idf_weights, convert=self._convert_token)

    def load_keras_assets(self, files: Mapping[str, bytes]) -> None:
        """The adapted vocabulary of a Keras ``.keras`` file (``assets/<layer path>/vocabulary.txt``)."""
        self._table.load_asset(files, lambda line: self._convert_token(self.asset_token_type(line)))

    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Learns the vocabulary from ``data`` (a list, an array or an ``oneiros.data.Dataset``):
        each sample (row) is a document, the most frequent tokens are kept first."""
        counter = TokenCounter()
        for batch in adapt_batches(type(self).__name__, data, steps):
            rows = batch.reshape(-1, 1) if batch.ndim <= 1 else batch.reshape(batch.shape[0], -1)
            for row in rows:
                counter.add_document(self._tokens(row))
        self._table.learn(counter)

    def call(self, inputs: Any) -> Any:
        array = host_array(type(self).__name__, inputs)
        if self.invert:
            tokens = self._table.invert(array.astype(np.int64).reshape(-1))
            return np.asarray(tokens, dtype=object).reshape(array.shape)
        indices = self._table.lookup(self._tokens(array)).reshape(array.shape)
        mode = self.output_mode
        if mode == "int":
            return ops.convert_to_tensor(indices.astype(np.int32), "int32")
        if mode == "one_hot":
            squeezed = indices[..., 0] if indices.ndim >= 1 and indices.shape[-1] == 1 else indices
            return ops.convert_to_tensor(self._table.encode_one_hot(squeezed), "float32")
        if indices.ndim not in (1, 2):
            raise ValueError(f"{type(self).__name__} {self.name!r}: output_mode={mode!r} takes inputs (batch,) or "
                             f"(batch, tokens); received shape {indices.shape}.")
        rows = indices.reshape(indices.shape[0], -1)
        return ops.convert_to_tensor(self._table.encode_rows(list(rows)), "float32")

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = self._table.depth()
        if self.output_mode == "one_hot":
            kept = input_shape[:-1] if input_shape and input_shape[-1] == 1 else input_shape
            return (*kept, depth)
        return (input_shape[0], depth)

    def compute_output_dtype(self, input_dtype: Any) -> str:
        if self.invert:
            raise ValueError(f"{type(self).__name__} {self.name!r} with invert=True returns strings (numpy), which "
                             "tensors and symbolic model graphs cannot hold; call it on model outputs eagerly.")
        return "int32" if self.output_mode == "int" else "float32"

    def _lookup_config(self) -> dict[str, Any]:
        table = self._table
        vocabulary = table.get_vocabulary() if table.has_vocabulary else None
        idf = None if table.idf is None else table.idf[:table.vocabulary_size()].tolist()
        return {
            "max_tokens": table.max_tokens,
            "num_oov_indices": table.num_oov_indices,
            "mask_token": table.mask_token,
            "oov_token": table.oov_token,
            "vocabulary": vocabulary,
            "idf_weights": idf,
            "invert": self.invert,
            "output_mode": table.output_mode,
            "pad_to_max_tokens": table.pad_to_max_tokens,
        }
