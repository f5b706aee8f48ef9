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
