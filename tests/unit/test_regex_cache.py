"""Compiled regex patterns kept in the user cache (marsad.regex_cache, issue 21: start-up): the
same patterns as compiling them, not parsed again by the next process, a torn file only recompiled."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import regex

from marsad import regex_cache
from marsad.analyse import dates
from marsad.clean import phrases

ROOT = Path(__file__).resolve().parents[2]
TEXTS = [
    "التقى رئيسا الأركان في 15 أغسطس 2021 في هلسنكي، وقال المصدر: رويترز إن الاجتماع استمر حتى الخميس الماضي.",
    "On August 15, 2021 the chiefs met in Helsinki. Read more: Skip to main content. Source: Reuters",
    "Am 15. März 2021 trafen sie sich; im Dezember 2019 hatte es ein Treffen gegeben. Quelle: dpa",
    "Accept cookies to continue. All rights reserved © 2024. Listen to this article",
]


def _module_patterns() -> list[regex.Pattern]:
    return [value for module in (dates, phrases) for value in vars(module).values() if isinstance(value, regex.Pattern)]


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """regex_cache with no patterns read yet, over an empty cache folder."""
    monkeypatch.setenv("MARSAD_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(regex_cache, "_patterns", None)
    monkeypatch.setattr(regex_cache, "_used", set())
    monkeypatch.setattr(regex_cache, "_changed", False)
    return tmp_path


def _compile_all_then_reload(monkeypatch) -> list[regex.Pattern]:
    originals = _module_patterns()
    for pattern in originals:
        regex_cache.compile(pattern.pattern, pattern.flags)
    regex_cache.save()
    monkeypatch.setattr(regex_cache, "_patterns", None)  # as a new process
    monkeypatch.setattr(regex_cache.regex, "compile", lambda *a, **k: pytest.fail("compiled although cached"))
    return originals


def test_patterns_read_back_match_as_compiled_ones(fresh, monkeypatch):
    originals = _compile_all_then_reload(monkeypatch)
    assert list(fresh.glob("regex-*.pickle")) and not list(fresh.glob(".regex-*"))
    for original in originals:
        cached = regex_cache.compile(original.pattern, original.flags)
        assert cached is not original and cached.pattern == original.pattern and cached.flags == original.flags
        assert cached.groupindex == original.groupindex
        for text in TEXTS + [dates.normalise_with_offsets(text)[0] for text in TEXTS]:
            assert [m.span() + m.groups() for m in cached.finditer(text)] == [m.span() + m.groups() for m in original.finditer(text)]


@pytest.mark.parametrize("damage", ["truncated", "empty", "one byte changed", "not a pickle"])
def test_a_torn_file_only_costs_compiling(fresh, monkeypatch, damage):
    originals = _module_patterns()[:3]
    for pattern in originals:
        regex_cache.compile(pattern.pattern, pattern.flags)
    regex_cache.save()
    [path] = fresh.glob("regex-*.pickle")
    data = path.read_bytes()
    middle = len(data) // 2
    path.write_bytes({
        "truncated": data[:middle],
        "empty": b"",
        "one byte changed": data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1 :],
        "not a pickle": data[:4] + b"garbage",
    }[damage])
    monkeypatch.setattr(regex_cache, "_patterns", None)
    compiled = [regex_cache.compile(pattern.pattern, pattern.flags) for pattern in originals]
    assert [pattern.pattern for pattern in compiled] == [pattern.pattern for pattern in originals]
    regex_cache.save()  # written again, whole
    monkeypatch.setattr(regex_cache, "_patterns", None)
    monkeypatch.setattr(regex_cache.regex, "compile", lambda *a, **k: pytest.fail("compiled although cached"))
    assert regex_cache.compile(originals[0].pattern, originals[0].flags).pattern == originals[0].pattern


def test_the_next_process_parses_none_of_the_date_and_phrase_patterns(tmp_path):
    code = (
        "import sys, regex\n"
        "compiled = []\n"
        "real = regex.compile\n"
        "regex.compile = lambda pattern, flags=0, **kw: compiled.append(pattern) or real(pattern, flags, **kw)\n"
        "from marsad.analyse import dates\n"
        "from marsad.clean import phrases\n"
        "ours = {v.pattern for m in (dates, phrases) for v in vars(m).values() if isinstance(v, regex.Pattern)}\n"
        "print(len(ours & set(compiled)))\n"
    )
    environment = dict(os.environ, MARSAD_CACHE_DIR=str(tmp_path), PYTHONPATH=str(ROOT))
    first = subprocess.run([sys.executable, "-c", code], check=True, env=environment, cwd=ROOT, capture_output=True, text=True)
    second = subprocess.run([sys.executable, "-c", code], check=True, env=environment, cwd=ROOT, capture_output=True, text=True)
    assert int(first.stdout) > 10  # compiled, then kept at exit
    assert int(second.stdout) == 0  # every one read back (the phrase patterns' text is the same in every process)


def test_an_unwritable_cache_folder_only_costs_compiling(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("MARSAD_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.setattr(regex_cache, "_patterns", None)
    monkeypatch.setattr(regex_cache, "_changed", False)
    assert regex_cache.compile(r"\d+").findall("a 12 b 3") == ["12", "3"]
    regex_cache.save()  # logged, not raised
