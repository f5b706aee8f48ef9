"""The shipped entity encoder (multilingual-e5-small's first layers fine-tuned, int8 in onnxruntime) on real sentences."""

from __future__ import annotations

import hashlib

import pytest

from marsad.analyse.entities import EntityFinder
from marsad.analyse.entity_encoder import DEFAULT_FILE, bundled_entity_encoder
from marsad.analyse.gazetteer import Gazetteer
from marsad.analyse.sentences import split_sentences
from marsad.analyse.tagger import spans_of, tokenize

pytestmark = pytest.mark.integration


def _spans(text: str, language: str = "en") -> set[tuple[str, str]]:
    words = [text[a:b] for a, b in tokenize(text)]
    labels = bundled_entity_encoder().tag_many([(words, ["O"] * len(words))], language)[0]
    return {(" ".join(words[first : last + 1]), kind) for first, last, kind in spans_of(labels)}


def test_the_shipped_file_is_the_one_its_metadata_describes():
    encoder = bundled_entity_encoder()
    assert hashlib.sha256(DEFAULT_FILE.read_bytes()).hexdigest() == encoder.meta["sha256"]
    assert DEFAULT_FILE.stat().st_size < 12_000_000 and encoder.meta["layers"] == 6


def test_english_people_places_and_organisations_without_titles_or_possessives():
    found = _spans("Chairman of the Joint Chiefs of Staff General Mark Milley met Russia's Valery Gerasimov in Helsinki on Wednesday.")
    assert {("Mark Milley", "PER"), ("Valery Gerasimov", "PER"), ("Helsinki", "LOC")} <= found
    assert not [name for name, kind in found if kind == "PER" and ("General" in name or "'s" in name)]


def test_arabic_people_and_places():
    found = _spans("التقى الجنرال مارك ميلي نظيره الروسي فاليري جيراسيموف في هلسنكي", "ar")
    assert {("مارك ميلي", "PER"), ("فاليري جيراسيموف", "PER"), ("هلسنكي", "LOC")} <= found


def test_a_surname_alone_is_a_person_in_the_pipeline():
    """No given name, title or list entry says "Trichet" is a person: the context does."""
    text = "Trichet said the European Central Bank would raise rates, speaking in Frankfurt."
    finder = EntityFinder(Gazetteer(), entity_pieces=512)
    people = {m.text for m in finder.find([("p0", text)], tuple(split_sentences("p0", text)), "en") if m.kind.value == "person"}
    assert people == {"Trichet"}
