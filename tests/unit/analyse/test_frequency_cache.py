"""wordfreq's word lists mapped from the user cache (marsad.analyse.frequencies, issue 21: start-up):
the same numbers as wordfreq's own dict, no wordfreq import once cached, rebuilt when torn or stale."""

from __future__ import annotations

import json
import logging
import math
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
import wordfreq

from marsad.analyse import frequencies
from marsad.analyse import gazetteer as gazetteer_module
from marsad.analyse.frequencies import FrequencyTable, frequency_table
from marsad.compare import features as features_module

ROOT = Path(__file__).resolve().parents[3]
# Languages whose lists are built once for the module (Arabic: the largest list).
LANGUAGES = ("ar", "en", "de", "zh")


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("frequencies")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MARSAD_CACHE_DIR", str(folder))
        frequency_table.cache_clear()
        for language in LANGUAGES:
            frequency_table(language)  # built and written
        yield folder
    frequency_table.cache_clear()


@pytest.fixture
def cached(cache_dir, monkeypatch):
    """Tables read back from the cache folder (never built: a build would fail the test)."""
    monkeypatch.setenv("MARSAD_CACHE_DIR", str(cache_dir))
    frequency_table.cache_clear()
    monkeypatch.setattr(frequencies, "_build", lambda language: pytest.fail(f"{language} rebuilt although cached"))
    yield cache_dir
    frequency_table.cache_clear()


def _absent_words(words: list[str], rng: random.Random) -> list[str]:
    """Words near the list's (one letter more, cased, cut) and odd ones, most of them not in it."""
    sample = rng.sample(words, 3000)
    return ([word + "ز" for word in sample] + [word[:-1] for word in sample] + [word.upper() for word in sample[:500]]
            + ["", " ", "qqqzzz", "\ud800", "a\x00b", "2019", "١٢", "-", "new york", "e-mail"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_word_of_the_list_and_absent_words_give_wordfreqs_numbers(cached, language):
    table = frequency_table(language)
    reference = wordfreq.get_frequency_dict(language, "best")
    assert type(table) is FrequencyTable and len(table) == len(reference)  # mapped from the cache file
    words = list(reference)
    rng = random.Random(language)
    # Every word for English; 100,000 for the long lists (all of them is 3 s a language).
    checked = words if language == "en" else rng.sample(words, 100_000)
    assert [word for word in checked if table.get(word) != reference[word]] == []
    assert all(type(table.get(word)) is float for word in checked[:100])
    absent = _absent_words(words, rng)
    assert [word for word in absent if table.get(word) != reference.get(word)] == []
    assert table.get("qqqzzz", -1.0) == -1.0 and "qqqzzz" not in table and words[0] in table


def test_numbers_up_to_four_digits_give_zipf_frequency(cached):
    table = frequency_table("en")
    assert type(table) is FrequencyTable
    # Every 1-4 digit number in ASCII digits, and a sample in Arabic-Indic ones.
    numbers = [str(n).zfill(width) for width in (1, 2, 3, 4) for n in range(10**width)]
    assert [n for n in numbers if table.digit_zipf(n) != wordfreq.zipf_frequency(n, "en")] == []
    arabic = frequency_table("ar")
    indic = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    sample = [n.translate(indic) for n in random.Random(1).sample(numbers, 400)] + random.Random(2).sample(numbers, 400) + ["2019", "٢٠٢٤"]
    assert [n for n in sample if arabic.digit_zipf(n) != wordfreq.zipf_frequency(n, "ar")] == []
    # Not kept: longer numbers, mixed digit sets, words with digits; none for Chinese (wordfreq needs jieba).
    assert [table.digit_zipf(word) for word in ("12345", "1٢", "G7", "", "x")] == [None] * 5
    assert frequency_table("zh").digit_zipf("12") is None


def _reference_word_zipf(word: str, language: str) -> float:
    """marsad's word_zipf before the cache, reading wordfreq's dict."""
    try:
        table = wordfreq.get_frequency_dict(language, "best")
    except LookupError:
        table = {}
    if language in ("zh", "ja"):
        frequency = table.get(word)
        return math.log10(frequency) + 9 if frequency else 0.0
    if not table:
        return 0.0
    if " " in word or "-" in word:
        return wordfreq.zipf_frequency(word, language)
    frequency = table.get(word.lower())
    if frequency is None:
        return wordfreq.zipf_frequency(word, language) if any(ch.isdigit() for ch in word) else 0.0
    return math.log10(frequency) + 9


def test_word_zipf_and_term_weights_are_unchanged(cache_dir, monkeypatch):
    monkeypatch.setenv("MARSAD_CACHE_DIR", str(cache_dir))
    frequency_table.cache_clear()
    gazetteer_module._frequencies.cache_clear()
    gazetteer_module.word_zipf.cache_clear()
    features_module._frequencies.cache_clear()
    features_module._term_weight.cache_clear()
    rng = random.Random(3)
    words = {
        "ar": ["الحكومة", "حكومة", "صور", "جنيف", "2019", "٢٠١٩", "11", "120", "2001", "15", "123456", "كوفيد-19", "الأمم المتحدة", "xyzzy", "ـ"],
        "en": ["Government", "Boltigen", "Washington", "12", "2024", "COVID-19", "New York", "e-mail", "G7", "U.S.", "the", "The"],
        "de": ["Regierung", "Boltigen", "Bundeskanzler", "Scholz", "1990", "Baden-Württemberg"],
        "zh": ["中国", "北京", "12", "abc"],
        "und": ["anything", "12"],
    }
    for language in ("ar", "en", "de"):
        listed = list(wordfreq.get_frequency_dict(language, "best"))
        words[language] += rng.sample(listed, 2000) + [word.title() for word in rng.sample(listed, 300)] + _absent_words(listed, rng)[:600]
    try:
        for language, batch in words.items():
            for word in batch:
                assert gazetteer_module.word_zipf(word, language) == _reference_word_zipf(word, language), (word, language)
                key = word.casefold()
                reference = wordfreq.get_frequency_dict(language, "best") if language != "und" else {}
                frequency = reference.get(key)
                zipf = math.log10(frequency) + 9.0 if frequency else 0.0
                expected = max(features_module._COMMON_ZIPF - zipf, features_module._MIN_TERM_WEIGHT)
                assert features_module._term_weight(key, language) == expected, (word, language)
    finally:
        frequency_table.cache_clear()
        gazetteer_module._frequencies.cache_clear()
        gazetteer_module.word_zipf.cache_clear()
        features_module._frequencies.cache_clear()
        features_module._term_weight.cache_clear()


def test_a_cached_start_does_not_import_wordfreq(cache_dir):
    code = (
        "import sys\n"
        "from marsad.analyse.gazetteer import word_zipf\n"
        "from marsad.compare.features import _term_weight\n"
        "values = [word_zipf('الحكومة', 'ar'), word_zipf('2019', 'ar'), word_zipf('١٢', 'ar'), word_zipf('Regierung', 'de'), _term_weight('government', 'en')]\n"
        "assert all(type(value) is float for value in values) and values[0] > 3, values\n"
        "assert 'wordfreq' not in sys.modules\n"
        "word_zipf('New York', 'en')  # a phrase: asked of wordfreq, imported now\n"
        "assert 'wordfreq' in sys.modules\n"
    )
    environment = dict(os.environ, MARSAD_CACHE_DIR=str(cache_dir), PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-c", code], check=True, env=environment, cwd=ROOT)


def test_language_without_a_list_and_odd_names(tmp_path, monkeypatch):
    monkeypatch.setenv("MARSAD_CACHE_DIR", str(tmp_path))
    frequency_table.cache_clear()
    try:
        for language in ("und", "xx"):
            table = frequency_table(language)
            assert len(table) == 0 and not table and table.get("the") is None and table.digit_zipf("12") is None
        # A name wordfreq rejects raises what wordfreq raises, as before the cache.
        with pytest.raises(Exception) as raised:
            wordfreq.get_frequency_dict("../x", "best")
        with pytest.raises(type(raised.value)):
            frequency_table("../x")
        # Named files only for plain language codes; the others were kept in memory.
        assert sorted(path.name.split("-")[1] for path in tmp_path.glob("wordfreq-*.bin")) == ["und", "xx"]
        assert not list(tmp_path.glob(".wordfreq-*"))  # no temporary file left behind
    finally:
        frequency_table.cache_clear()


def _only_table(folder: Path, language: str) -> Path:
    [path] = folder.glob(f"wordfreq-{language}-*.bin")
    return path


@pytest.fixture
def english_copy(cache_dir, tmp_path, monkeypatch):
    """A cache folder of its own holding the English table, for tests that damage it."""
    path = _only_table(cache_dir, "en")
    (tmp_path / path.name).write_bytes(path.read_bytes())
    monkeypatch.setenv("MARSAD_CACHE_DIR", str(tmp_path))
    frequency_table.cache_clear()
    yield tmp_path / path.name
    frequency_table.cache_clear()


def _rebuilt_and_right(path: Path) -> None:
    builds = []
    real_build = frequencies._build

    def build(language):
        builds.append(language)
        return real_build(language)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(frequencies, "_build", build)
        frequency_table.cache_clear()
        table = frequency_table("en")
    assert builds == ["en"]
    assert table.get("government") == wordfreq.get_frequency_dict("en")["government"] and table.get("qqqzzz") is None
    frequency_table.cache_clear()
    again = frequency_table("en")  # the repaired file reads back
    assert _only_table(path.parent, "en") == path and again.get("government") == table.get("government")


@pytest.mark.parametrize("damage", ["truncated", "cut in the header", "empty", "garbage", "torn words"])
def test_a_torn_table_is_built_again_and_replaced(english_copy, damage):
    data = english_copy.read_bytes()
    english_copy.write_bytes({
        "truncated": data[: len(data) // 2],
        "cut in the header": data[:30],
        "empty": b"",
        "garbage": b"\x00" * 5000,
        "torn words": data[:-100],
    }[damage])
    _rebuilt_and_right(english_copy)


def _rewrite_header(path: Path, change) -> None:
    data = bytearray(path.read_bytes())
    length = int.from_bytes(data[8:16], "little")
    header = json.loads(data[16 : 16 + length])
    change(header)
    encoded = json.dumps(header).encode()
    data[8:4096] = (len(encoded).to_bytes(8, "little") + encoded).ljust(4096 - 8, b" ")
    path.write_bytes(bytes(data))


def test_a_table_of_a_changed_word_list_or_layout_is_built_again(english_copy):
    _rewrite_header(english_copy, lambda header: header["source"].__setitem__(2, header["source"][2] + 1))
    _rebuilt_and_right(english_copy)
    _rewrite_header(english_copy, lambda header: header["source"].__setitem__(0, str(english_copy.parent / "gone.msgpack.gz")))
    _rebuilt_and_right(english_copy)
    _rewrite_header(english_copy, lambda header: header.__setitem__("layout", 0))
    _rebuilt_and_right(english_copy)


def test_another_wordfreq_writes_a_new_table_and_removes_the_stale_one(english_copy, monkeypatch):
    stale = english_copy
    monkeypatch.setattr(frequencies, "_installed_key", lambda: "0123456789ab")
    table = frequency_table("en")
    assert table.get("the") == wordfreq.get_frequency_dict("en")["the"]
    assert [path.name for path in stale.parent.glob("wordfreq-en-*.bin")] == [f"wordfreq-en-0123456789ab-v{frequencies._LAYOUT}.bin"]


def test_an_unwritable_cache_folder_only_costs_the_build(tmp_path, monkeypatch, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("MARSAD_CACHE_DIR", str(blocker / "cache"))
    frequency_table.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="marsad.analyse.frequencies"):
            table = frequency_table("en")
        assert table.get("government") == wordfreq.get_frequency_dict("en")["government"] and table.get("qqqzzz") is None
        assert table.digit_zipf("2019") == wordfreq.zipf_frequency("2019", "en")
        assert "cannot keep the word list" in caplog.text
    finally:
        frequency_table.cache_clear()
