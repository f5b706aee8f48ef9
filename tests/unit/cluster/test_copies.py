"""MinHash fingerprints: verbatim copies are wire copies, light edits near-duplicates, other text neither."""

from __future__ import annotations

from marsad.cluster import CopyFinder, CopySettings

TEXT = (
    "Rescue teams in the northern province worked through the night to reach villages cut off by the landslide, "
    "officials said on Wednesday, as the number of people missing rose to forty two. The regional governor said "
    "roads would stay closed for at least three days while engineers checked the bridges over the river, and "
    "that the army had sent helicopters with food, water and medicine to the worst hit areas near the border."
)
OTHER = (
    "The central bank left its main interest rate unchanged at its meeting on Thursday and said inflation was "
    "likely to ease slowly over the coming year, while warning that the price of energy and food remained a "
    "risk. Markets had expected the decision, and the currency barely moved after the announcement was made "
    "by the governor at a press conference in the capital, where he also answered questions about wages."
)


def test_copies_and_near_duplicates():
    finder = CopyFinder()
    original = finder.fingerprint(TEXT)
    assert original.signature is not None and len(original.bands) == CopySettings().bands
    republished = finder.fingerprint("«" + TEXT.replace("officials said", "officials said,") + "»")  # punctuation only
    assert finder.kind(finder.similarity(original.signature, republished.signature)) == "wire"
    edited = finder.fingerprint(TEXT.replace("forty two", "fifty") + " More rain is forecast for the weekend, the weather office said.")
    similarity = finder.similarity(original.signature, edited.signature)
    assert finder.kind(similarity) == "near-duplicate", similarity
    assert set(original.bands) & set(edited.bands)  # LSH makes them candidates
    other = finder.fingerprint(OTHER)
    assert finder.kind(finder.similarity(original.signature, other.signature)) is None
    assert not set(original.bands) & set(other.bands)


def test_arabic_letter_variants_do_not_hide_a_copy():
    finder = CopyFinder()
    text = "أعلنت وزارة الصحة أن عدد الإصابات ارتفع إلى مئة وعشرين حالة في المدينة خلال الأسبوع الماضي " * 4
    variant = text.replace("أ", "ا").replace("إ", "ا").replace("ة", "ه")
    assert finder.similarity(finder.fingerprint(text).signature, finder.fingerprint(variant).signature) == 1.0


def test_short_texts_have_no_fingerprint():
    assert CopyFinder().fingerprint("Too short to tell.").signature is None
