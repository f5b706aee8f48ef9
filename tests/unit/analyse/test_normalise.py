"""Normalising for matching keeps, for every character it outputs, the index of the one it came from."""

from __future__ import annotations

import random

from marsad.analyse.normalise import normalise, normalise_with_offsets


def _reference(text: str) -> tuple[str, list[int]]:
    # The definition, one character at a time: what the translate-based version must equal.
    from marsad.analyse.normalise import _fold

    out, offsets = [], []
    for index, char in enumerate(text):
        for piece in _fold(char):
            out.append(piece)
            offsets.append(index)
    return "".join(out), offsets


def test_folding_and_offsets_through_dropped_and_split_characters():
    text = "أُسْبُوعٌ… Ölwechsel ﬁnal"  # diacritics dropped, an ellipsis and a ligature split
    folded, offsets = normalise_with_offsets(text)
    assert folded == "اسبوع... olwechsel final"
    assert [text[i] for i in offsets[:5]] == ["أ", "س", "ب", "و", "ع"]
    assert [text[i] for i in offsets[5:8]] == ["…"] * 3
    assert text[offsets[folded.index("fi")]] == text[offsets[folded.index("fi") + 1]] == "ﬁ"


def test_same_as_the_character_by_character_definition_on_random_text():
    rng = random.Random(11)
    alphabet = [chr(c) for c in [*range(32, 0x250), *range(0x600, 0x700), *range(0x400, 0x460), 0x200C, 0x200F, 0xFB01, 0x2163, 0x130, 0x2026]]
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        folded, offsets = normalise_with_offsets(text)
        assert (folded, list(offsets)) == _reference(text), text
        assert normalise(text) == folded
