"""The pair encoder's tokenizer table kept in the user cache (E5Tokenizer.for_file, issue 21: start-up):
the same ids as the table read from the model file, rebuilt when torn or stale."""

from __future__ import annotations

import glob
import os
import random
import sys
from pathlib import Path

import pytest

from marsad.encoders import e5_tokenizer
from marsad.encoders.e5_bin import E5File, bundled_file
from marsad.encoders.e5_tokenizer import E5Tokenizer

ROOT = Path(__file__).resolve().parents[3]


class ReferenceTokenizer:
    """The tokenizer as it was before the cache: one dict of every piece, Viterbi over it."""

    def __init__(self, table):
        import numpy as np

        self.bos, self.eos, self.unk = table.bos, table.eos, table.unk
        self.ids = {piece: index for index, piece in enumerate(table.pieces)}
        if self.ids.get(table.pieces[table.unk]) == table.unk:
            del self.ids[table.pieces[table.unk]]
        self.ids.pop("", None)
        self.scores = table.scores.astype(np.float32).tolist()
        self.unk_score = float(np.float32(table.scores.min()) - np.float32(10.0))
        self.longest = max(len(piece) for piece in self.ids)
        self.helper = E5Tokenizer.__new__(E5Tokenizer)
        self.helper._translation = str.maketrans(table.normalisation)

    def viterbi(self, chars: str) -> list[int]:
        n = len(chars)
        best, piece, start = [-1e30] * (n + 1), [0] * (n + 1), [0] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            if best[i] <= -1e29:
                continue
            for end in range(i + 1, min(n, i + self.longest) + 1):
                index = self.ids.get(chars[i:end])
                if index is not None and best[i] + self.scores[index] > best[end]:
                    best[end], piece[end], start[end] = best[i] + self.scores[index], index, i
            if best[i] + self.unk_score > best[i + 1]:
                best[i + 1], piece[i + 1], start[i + 1] = best[i] + self.unk_score, -1, i
        out, at = [], n
        while at > 0:
            out.append(self.unk if piece[at] < 0 else piece[at])
            at = start[at]
        return out[::-1]

    def encode(self, text: str, max_tokens: int) -> list[int]:
        out: list[int] = []
        for word in e5_tokenizer._WORDS.findall(self.helper.normalise(text)):
            out.extend(self.viterbi(word))
        return [self.bos, *out[: max_tokens - 2], self.eos]


def _texts() -> list[str]:
    texts = [Path(path).read_text(encoding="utf-8") for path in sorted(glob.glob(str(ROOT / "marsad" / "samples" / "*.txt")))]
    texts += [
        "التقى رئيسا أركان الجيشين الأميركي والروسي في هلسنكي  لمدة ست ساعات، وقال البنتاغون إن ٢٠٢١ كان عاماً صعباً.",
        "Grüße aus Köln! Die Inflation lag bei 12,5 % im Januar 2020; Straßenbahn-Fahrpläne ändern sich.",
        "The US and Russian chiefs of staff met in Helsinki for six hours on Thursday (AFP).",
        "中华人民共和国国务院总理李强周二在北京会见了来访的德国总理朔尔茨。日本の首相は東京で記者会見を行った。",
        "Президент России Владимир Путин заявил в Москве 12 марта 2024 года…",
        "Zakaz handlu w Nowym Roku. Które sklepy będą otwarte 1 stycznia?",
        "", " ", "   many    spaces\tand\ttabs\n\nand newlines  ", "\x00nul\x00", "😀🎉 ﷺ ﬁ ＡＢＣ ｶﾀｶﾅ", "x" * 500, "▁▁ meta ▁ signs",
    ]
    rng = random.Random(21)
    pool = "".join(texts)
    alphabet = sorted(set(pool)) + [chr(code) for code in range(0x20, 0x3000, 5)]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 80))) for _ in range(1500)]
    texts += [pool[at : at + rng.randint(1, 600)] for at in (rng.randrange(len(pool)) for _ in range(400))]
    return texts


@pytest.fixture(scope="module")
def reference():
    return ReferenceTokenizer(bundled_file().tokenizer)


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tokenizer")
    E5Tokenizer.for_file(bundled_file(), folder)  # written
    return folder


def _fresh_source() -> E5File:
    """The model file opened anew, so that nothing read from it earlier is reused."""
    return E5File(bundled_file().path)


def test_cached_tokenizer_gives_the_ids_of_the_table_read_from_the_model_file(cache_dir, reference, monkeypatch):
    source = _fresh_source()
    monkeypatch.setattr(E5File, "tokenizer", property(lambda self: pytest.fail("the model file's table was read although cached")))
    cached = E5Tokenizer.for_file(source, cache_dir)
    monkeypatch.undo()
    direct = E5Tokenizer(bundled_file().tokenizer)
    assert (cached.bos, cached.eos, cached.unk) == (direct.bos, direct.eos, direct.unk) == (reference.bos, reference.eos, reference.unk)
    mismatches = []
    for text in _texts():
        expected = reference.encode(text, 10**6)
        for tokenizer in (cached, direct):
            if tokenizer.encode(text, 10**6) != expected:
                mismatches.append(text[:40])
        if cached.encode(text, 130) != reference.encode(text, 130):
            mismatches.append(text[:40])
    assert mismatches == []


def test_the_cache_is_one_file_named_by_the_model_file(cache_dir):
    [path] = cache_dir.glob("e5-tokenizer-*.marshal")
    assert bundled_file().tokenizer_key in path.name
    assert not list(cache_dir.glob(".e5-tokenizer-*"))  # no temporary file left behind


@pytest.mark.parametrize("damage", ["truncated", "empty", "one byte changed", "garbage"])
def test_a_torn_cache_file_is_written_again(cache_dir, reference, tmp_path, damage, monkeypatch):
    [original] = cache_dir.glob("e5-tokenizer-*.marshal")
    data = original.read_bytes()
    copy = tmp_path / original.name
    middle = len(data) // 2
    copy.write_bytes({
        "truncated": data[:middle],
        "empty": b"",
        "one byte changed": data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1 :],
        "garbage": b"\x01\x02\x03" * 100,
    }[damage])
    tokenizer = E5Tokenizer.for_file(_fresh_source(), tmp_path)
    text = _texts()[0]
    assert tokenizer.encode(text, 512) == reference.encode(text, 512)
    source = _fresh_source()
    monkeypatch.setattr(E5File, "tokenizer", property(lambda self: pytest.fail("the repaired cache file was not read")))
    assert E5Tokenizer.for_file(source, tmp_path).encode(text, 512) == reference.encode(text, 512)


def test_another_model_file_gets_its_own_cache_file(cache_dir, reference, tmp_path):
    source = _fresh_source()
    source.tokenizer_key = "0" * 16  # what a changed file (size, modification time) gives
    tokenizer = E5Tokenizer.for_file(source, tmp_path)
    assert [path.name for path in tmp_path.glob("e5-tokenizer-*")] == [f"e5-tokenizer-{'0' * 16}-py{sys.version_info[0]}{sys.version_info[1]}-v{e5_tokenizer._LAYOUT}.marshal"]
    assert tokenizer.encode("Helsinki talks", 16) == reference.encode("Helsinki talks", 16)


def test_model_file_key_changes_with_the_file(tmp_path):
    source = bundled_file()
    copy = tmp_path / "model.bin"
    copy.write_bytes(Path(source.path).read_bytes())
    first = E5File(copy).tokenizer_key
    assert first != source.tokenizer_key  # another path
    stat = copy.stat()
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert E5File(copy).tokenizer_key != first


def test_an_unwritable_cache_folder_only_costs_reading_the_model_file(reference, tmp_path, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    tokenizer = E5Tokenizer.for_file(_fresh_source(), blocker / "cache")
    assert tokenizer.encode("Helsinki talks", 16) == reference.encode("Helsinki talks", 16)
    assert "cannot cache the tokenizer" in caplog.text
