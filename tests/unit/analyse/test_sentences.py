"""Sentence splitting across the task languages."""

from __future__ import annotations

from marsad.analyse.sentences import split_sentences


def texts(text):
    return [sentence.text for sentence in split_sentences("p0", text)]


def test_arabic_question_mark_and_comma_and_decimal_numbers():
    assert texts("هل اتفقا؟ وصل 3.5 مليون، ثم؛ انتهى. نعم") == ["هل اتفقا؟", "وصل 3.5 مليون، ثم؛ انتهى.", "نعم"]


def test_quotes_close_the_sentence():
    assert texts("قال «اتفقنا.» ثم غادر.") == ["قال «اتفقنا.»", "ثم غادر."]
    assert texts("Er sagte: „Wir kommen.“ Dann ging er.") == ["Er sagte: „Wir kommen.“", "Dann ging er."]
    assert texts("He said “we agree.” Then U.S. officials left.") == ["He said “we agree.”", "Then U.S. officials left."]


def test_abbreviations_times_and_chinese_full_stops():
    assert texts("Gen. Milley kam um 9.30 Uhr an. Dr. J. Smith blieb.") == ["Gen. Milley kam um 9.30 Uhr an.", "Dr. J. Smith blieb."]
    assert texts("习近平说。会谈持续了六小时！好") == ["习近平说。", "会谈持续了六小时！", "好"]


def test_a_run_with_no_sentence_end_is_cut_into_bounded_pieces_with_true_offsets():
    from marsad.analyse.sentences import MAX_SENTENCE_CHARS

    text = " ".join(f"كلمة{number}" for number in range(20_000))  # ~180,000 characters, no stop
    sentences = split_sentences("p0", text)
    assert len(sentences) > 100
    assert max(len(sentence.text) for sentence in sentences) <= MAX_SENTENCE_CHARS
    for sentence in sentences:
        assert text[sentence.span.start : sentence.span.end] == sentence.text
        assert not sentence.text.startswith(" ") and not sentence.text.endswith(" ")
    # Cut at spaces: no word is split, and every word is in exactly one piece.
    assert sum(len(sentence.text.split()) for sentence in sentences) == 20_000
    assert texts("x" * (2 * MAX_SENTENCE_CHARS + 5)) == ["x" * MAX_SENTENCE_CHARS] * 2 + ["x" * 5]  # no space: a hard cut


def test_the_encoder_gets_a_bounded_share_of_an_endless_paragraph(engine):
    """One 1 MB paragraph used to reach the encoder whole (7.7 GB of RSS for 400 KB)."""
    from marsad.analyse.sentences import (
        MAX_ANALYSED_CHARS,
        MAX_SENTENCE_CHARS,
        MAX_SENTENCES,
    )
    from marsad.models import Article

    seen: list[str] = []
    encoder = engine.analyser.encoder

    class Recording:
        name, dim = encoder.name, encoder.dim

        def encode(self, texts):
            seen.extend(texts)
            return encoder.encode(texts)

    from marsad.analyse import Analyser

    analyser = Analyser(Recording(), engine.gazetteer, engine.languages)
    paragraph = " ".join(["المحادثات ستستمر الأسبوع المقبل في العاصمة"] * 25_000)  # ~1.1 M characters
    analysed = analyser.analyse(Article(source="long", title="عنوان", paragraphs=(paragraph, "Short. " * 2000), language="ar"))
    assert max(map(len, seen)) <= MAX_SENTENCE_CHARS
    assert len(seen) <= MAX_SENTENCES
    assert sum(map(len, seen)) <= MAX_ANALYSED_CHARS + MAX_SENTENCE_CHARS
    assert len(analysed.analysis.sentences) == len(seen) == len(analysed.analysis.sentence_vectors)
