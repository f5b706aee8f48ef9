"""Analysis ⇄ bytes: an article is analysed once, and its analysis is cached beside it.

Layout (little-endian)::

    b"MA1" | u32 header length | header (UTF-8 JSON) | float32 vectors

The header holds language, sentences, entities, dates and quantities as compact lists; the
vectors follow as one float32 array: sentence vectors (n × dim), then the document vector, then
the title vector when there is one, then the pair vector (``pair_dim`` wide, its own encoder's
width) when the article has one; analyses written before pair vectors read back without one.
JSON keeps the format readable from any language (a PostgreSQL backend can store the same
bytes); float32 keeps the vectors exactly as encoded.
"""

from __future__ import annotations

import json
import struct

import numpy as np

from marsad.errors import StoreError
from marsad.models import Analysis, DateMention, EntityKind, EntityMention, Quantity, Sentence, Span

MAGIC = b"MA1"
_LENGTH = struct.Struct("<I")

_KINDS = {kind.value: kind for kind in EntityKind}  # EntityKind(value) is a slow enum call, per mention


def _span(span: Span) -> list:
    return [span.unit, span.start, span.end]


def encode_analysis(analysis: Analysis) -> bytes:
    """Serialise ``analysis`` (vectors as float32)."""
    sentence_vectors = np.asarray(analysis.sentence_vectors, dtype=np.float32)
    dim = int(analysis.document_vector.shape[0])
    header = {
        "language": analysis.language,
        "dim": dim,
        "title_vector": analysis.title_vector is not None,
        "pair_dim": 0 if analysis.pair_vector is None else int(analysis.pair_vector.shape[0]),
        "sentences": [[s.text, *_span(s.span)] for s in analysis.sentences],
        # A demonym's form is stored after its sentence; a name's is left out (older rows have none).
        "entities": [[e.id, e.kind.value, e.label, e.text, *_span(e.span), e.sentence, *([e.form] if e.form != "name" else [])] for e in analysis.entities],
        "dates": [[d.value, d.text, *_span(d.span), d.sentence] for d in analysis.dates],
        "quantities": [[q.value, q.unit, q.text, *_span(q.span), q.sentence] for q in analysis.quantities],
    }
    raw = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode()
    parts = [sentence_vectors.reshape(-1, dim), np.asarray(analysis.document_vector, np.float32).reshape(1, dim)]
    if analysis.title_vector is not None:
        parts.append(np.asarray(analysis.title_vector, np.float32).reshape(1, dim))
    body = np.concatenate(parts).astype("<f4").tobytes()
    if analysis.pair_vector is not None:
        body += np.asarray(analysis.pair_vector, dtype="<f4").tobytes()
    return MAGIC + _LENGTH.pack(len(raw)) + raw + body


def decode_analysis(data: bytes) -> Analysis:
    """Read back what :func:`encode_analysis` wrote.

    Raises:
        StoreError: the bytes are not an encoded analysis.
    """
    if not data.startswith(MAGIC):
        raise StoreError("stored analysis has an unknown format (expected MA1)")
    (length,) = _LENGTH.unpack_from(data, 3)
    start = 3 + _LENGTH.size
    header = json.loads(data[start : start + length])
    dim = header["dim"]
    # astype copies into an aligned native array (the header's length leaves the offset unaligned).
    floats = np.frombuffer(data, dtype="<f4", offset=start + length).astype(np.float32)
    pair_dim = header.get("pair_dim", 0)
    pair_vector = floats[len(floats) - pair_dim :] if pair_dim else None
    vectors = floats[: len(floats) - pair_dim]
    n = len(header["sentences"])
    expected = n + 1 + (1 if header["title_vector"] else 0)
    if len(vectors) != expected * dim:
        raise StoreError(f"stored analysis is truncated ({len(vectors) / dim:g} vectors, expected {expected})")
    vectors = vectors.reshape(-1, dim)
    return Analysis(
        language=header["language"],
        sentences=tuple(Sentence(text, Span(unit, s, e)) for text, unit, s, e in header["sentences"]),
        entities=tuple(
            EntityMention(id_, _KINDS.get(kind) or EntityKind(kind), label, text, Span(unit, s, e), sentence, *form)
            for id_, kind, label, text, unit, s, e, sentence, *form in header["entities"]
        ),
        dates=tuple(DateMention(value, text, Span(unit, s, e), sentence) for value, text, unit, s, e, sentence in header["dates"]),
        quantities=tuple(
            Quantity(value, unit_key, text, Span(unit, s, e), sentence) for value, unit_key, text, unit, s, e, sentence in header["quantities"]
        ),
        sentence_vectors=vectors[:n],
        document_vector=vectors[n],
        title_vector=vectors[n + 1] if header["title_vector"] else None,
        pair_vector=pair_vector,
    )


def encode_vector(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def decode_vector(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<f4").astype(np.float32)
