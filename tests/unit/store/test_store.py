"""The SQLite store: schema and migrations, atomic batches, reads for the web page, the ANN index beside it."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import replace

import numpy as np
import pytest

from marsad.errors import StoreError
from marsad.models import Article
from marsad.store import ArticleQuery, Batch, NewArticle, StoryQuery, StoryState, open_store
from marsad.store.codec import decode_analysis, encode_analysis
from marsad.store.schema import SCHEMA_VERSION
from marsad.store.sqlite import SQLiteStore

BODY_A = "The finance ministers of six countries met in Helsinki on Tuesday to agree a new budget rule for the region. " * 3
BODY_B = "Heavy rain flooded the old city of Fes, and the rescue services moved three hundred families to schools. " * 3


def _article(engine, title, body, *, published=None, language=None, url=None):
    article = Article(source="<test>", title=title, paragraphs=(body,), published=published, language=language, url=url)
    return engine.analyse(article)


def _state(story_id, analysed_list, published=None):
    centroid = np.sum([a.analysis.document_vector for a in analysed_list], axis=0)
    return StoryState(story_id, centroid, {}, len(analysed_list), len(analysed_list), published, published, analysed_list[0].article.title, analysed_list[0].article.id)


@pytest.fixture()
def two_stories(engine, tmp_path):
    store = SQLiteStore(tmp_path / "m.db")
    a1 = _article(engine, "Ministers agree budget rule in Helsinki", BODY_A, published="2021-09-22", url="https://www.reuters.com/a")
    a2 = _article(engine, "Budget rule agreed", BODY_A + " Officials said more talks follow.", published="2021-09-23", url="https://apnews.com/b")
    copy = _article(engine, "Budget rule agreed (wire)", BODY_A + " Officials said more talks follow. Agency copy.", published="2021-09-23", url="https://example.org/c")
    b1 = _article(engine, "فيضانات في فاس", "غمرت الأمطار الغزيرة المدينة القديمة في فاس ونقلت فرق الإنقاذ ثلاثمئة أسرة إلى المدارس. " * 3, published="2021-10-01", language="ar")
    s1, s2 = f"s{a1.article.id}", f"s{b1.article.id}"
    store.add(Batch(
        (NewArticle(a1, s1), NewArticle(a2, s1), NewArticle(copy, s1, copy_of=a2.article.id, copy_kind="wire"), NewArticle(b1, s2, outlet="hespress")),
        (replace(_state(s1, [a1, a2]), first_published="2021-09-22", last_published="2021-09-23", articles=3),
         _state(s2, [b1], "2021-10-01")),
    ))
    yield store, (a1, a2, copy, b1), (s1, s2)
    store.close()


def test_codec_round_trip(engine, sample_articles):
    analysed = engine.analyse(sample_articles[0])
    back = decode_analysis(encode_analysis(analysed.analysis))
    assert back.sentences == analysed.analysis.sentences
    assert back.entities == analysed.analysis.entities
    assert back.dates == analysed.analysis.dates and back.quantities == analysed.analysis.quantities
    assert np.array_equal(back.sentence_vectors, analysed.analysis.sentence_vectors)
    assert np.array_equal(back.document_vector, analysed.analysis.document_vector)


def test_schema_is_versioned_and_in_wal_mode(tmp_path):
    path = tmp_path / "m.db"
    SQLiteStore(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer than this marsad"):
        SQLiteStore(path)


def test_a_background_thread_checkpoints_the_wal_not_the_writer(engine, tmp_path):
    store = SQLiteStore(tmp_path / "m.db", checkpoint_interval=0.05)
    try:
        # The writer's own checkpoint is only the fallback, far above a batch's pages.
        assert store.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] >= 10_000
        a = _article(engine, "One", "A first article about the harbour.")
        store.add(Batch((NewArticle(a, "s1"),), (_state("s1", [a]),)))
        deadline = time.monotonic() + 10
        while not (store._checkpointer.last and store._checkpointer.last[2] > 0) and time.monotonic() < deadline:
            time.sleep(0.02)
        busy, frames, copied = store._checkpointer.last
        assert busy == 0 and frames == copied > 0  # every frame of the batch copied back by the thread
    finally:
        store.close()
    assert not store._checkpointer._thread.is_alive()


def test_a_foreign_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE things (x)")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="not a marsad store"):
        SQLiteStore(path)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError):
        SQLiteStore(garbage)


def test_a_batch_is_all_or_nothing(engine, tmp_path, monkeypatch):
    store = SQLiteStore(tmp_path / "m.db")
    a = _article(engine, "One", BODY_A)
    b = _article(engine, "Two", BODY_B)
    original = SQLiteStore._insert
    calls = []

    def failing_insert(self, new, now, rowid=None):
        calls.append(new.id)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return original(self, new, now, rowid)

    monkeypatch.setattr(SQLiteStore, "_insert", failing_insert)
    with pytest.raises(RuntimeError):
        store.add(Batch((NewArticle(a, "s1"), NewArticle(b, "s1")), (_state("s1", [a, b]),)))
    assert store.counts().articles == 0 and store.counts().stories == 0
    monkeypatch.setattr(SQLiteStore, "_insert", original)
    store.add(Batch((NewArticle(a, "s1"), NewArticle(b, "s1")), (_state("s1", [a, b]),)))
    store.add(Batch((NewArticle(a, "s1"),)))  # the same article again: skipped
    assert store.counts().articles == 2
    store.close()


def test_stories_list_newest_first_with_filters(two_stories):
    store, (a1, a2, copy, b1), (s1, s2) = two_stories
    page = store.stories()
    assert [s.id for s in page.items] == [s2, s1] and page.total == 2
    first = page.items[1]
    assert (first.size, first.articles) == (2, 3)
    assert first.outlets == ("apnews.com", "example.org", "reuters.com")
    assert (first.first_published, first.last_published) == ("2021-09-22", "2021-09-23")
    assert [s.id for s in store.stories(StoryQuery(text="Helsinki budget")).items] == [s1]
    assert [s.id for s in store.stories(StoryQuery(text="فاس")).items] == [s2]
    assert [s.id for s in store.stories(StoryQuery(language="ar")).items] == [s2]
    assert [s.id for s in store.stories(StoryQuery(outlet="hespress")).items] == [s2]
    assert [s.id for s in store.stories(StoryQuery(until="2021-09-30")).items] == [s1]
    assert [s.id for s in store.stories(StoryQuery(min_size=2)).items] == [s1]
    paged = store.stories(StoryQuery(limit=1, offset=1))
    assert [s.id for s in paged.items] == [s1] and paged.total == 2


def test_story_folds_copies_under_their_original(two_stories):
    store, (a1, a2, copy, b1), (s1, s2) = two_stories
    detail = store.story(s1)
    assert [m.article.id for m in detail.members] == [a1.article.id, a2.article.id]
    assert [c.id for c in detail.members[1].copies] == [copy.article.id]
    assert detail.members[1].copies[0].copy_kind == "wire"
    assert store.story("nope") is None
    assert detail.as_dict()["members"][1]["copies"][0]["copy_of"] == a2.article.id


def test_article_and_analysed_come_back(two_stories, engine):
    store, (a1, a2, copy, b1), (s1, s2) = two_stories
    stored = store.article(a2.article.id)
    assert stored.article == a2.article
    assert stored.story_id == s1 and [c.id for c in stored.copies] == [copy.article.id]
    analysed = store.analysed(a1.article.id)
    assert analysed.article == a1.article
    assert np.array_equal(analysed.analysis.sentence_vectors, a1.analysis.sentence_vectors)
    assert store.article("0000000000000000") is None
    page = store.articles(ArticleQuery(story_id=s1))
    assert page.total == 3 and page.items[-1].id == a1.article.id
    counts = store.counts()
    assert (counts.articles, counts.copies, counts.stories) == (4, 1, 2)


def test_outlet_templates(tmp_path):
    with SQLiteStore(tmp_path / "m.db") as store:
        assert store.outlet_template("reuters.com") is None
        store.save_outlet_template("reuters.com", {"boilerplate": ["Open toolbar"]})
        store.save_outlet_template("reuters.com", {"boilerplate": ["Share"]})
        assert store.outlet_template("reuters.com") == {"boilerplate": ["Share"]}
        assert list(store.outlet_templates()) == [("reuters.com", {"boilerplate": ["Share"]})]


def test_vector_index_is_saved_beside_and_rebuilt(two_stories, tmp_path):
    store, (a1, *_), _ = two_stories
    assert store.nearest(a1.analysis.document_vector, 1)[0][0] == a1.article.id
    store.close()
    index = tmp_path / "m.db.usearch"
    assert index.exists()
    index.unlink()  # lost: rebuilt from the vectors in SQLite
    with open_store(tmp_path / "m.db") as again:
        assert again.counts().vectors_indexed == 4
        assert again.nearest(a1.analysis.document_vector, 1)[0][0] == a1.article.id
    (tmp_path / "m.db.usearch.json").write_text('{"count": 2, "watermark": 2, "dim": 256}')  # stale note
    with open_store(tmp_path / "m.db") as again:
        assert again.nearest(a1.analysis.document_vector, 4)[0][0] == a1.article.id
        assert again.counts().vectors_indexed == 4


def test_read_only_store(two_stories, tmp_path):
    store, _, (s1, s2) = two_stories
    store.close()
    reader = open_store(tmp_path / "m.db", read_only=True)
    assert reader.counts().stories == 2
    with pytest.raises(StoreError):
        reader.save_outlet_template("x", {})
    reader.close()
    with pytest.raises(StoreError, match="no such store"):
        open_store(tmp_path / "missing.db", read_only=True)


def test_a_search_of_no_words_finds_nothing(two_stories):
    store, _, _ = two_stories
    for text in ['"', "*", "-", "\x00"]:
        assert store.stories(StoryQuery(text=text)).total == 0
        assert store.articles(ArticleQuery(text=text)).total == 0



def test_an_arabic_search_word_is_found_behind_its_clitics(engine, tmp_path):
    with SQLiteStore(tmp_path / "c.db") as store:
        text = "وصل الوفد إلى هلسنكي وموسكو تراقب، وقالت الصحف بالروسية إن المحادثات للروسية ستطول وإن لجنة ستتابعها. " * 2
        analysed = _article(engine, "محادثات هلسنكي", text, language="ar")
        store.add(Batch((NewArticle(analysed, "s1"),), (_state("s1", [analysed]),)))
        for words in ("موسكو", "الروسية", "هلسنكي موسكو", "الصحف المحادثات", "قالت"):
            assert store.articles(ArticleQuery(text=words)).total == 1, words
        for words in ("لموسكو", "موسكو لندن", "الصينية", "جنة"):  # a clitic the user typed is kept; every word must be found;
            # a three-letter word takes only و and ف: "جنة" (garden) does not find "لجنة" (committee)
            assert store.articles(ArticleQuery(text=words)).total == 0, words
        assert store.stories(StoryQuery(text="موسكو")).total == 1

def test_two_stories_merged_into_a_new_one_keep_both_outlet_lists(two_stories, engine):
    store, (a1, a2, copy, b1), (s1, s2) = two_stories
    fresh = _article(engine, "A bridge between them", BODY_A + " " + BODY_B, published="2021-10-02")
    s3 = f"s{fresh.article.id}"
    store.add(Batch((NewArticle(fresh, s3),), (_state(s3, [fresh, a1, b1], "2021-10-02"),), {s1: s3, s2: s3}))
    [merged] = store.stories().items
    assert set(merged.outlets) >= {"reuters.com", "apnews.com", "example.org", "hespress"}
    assert set(merged.languages) >= {"ar"}


def test_a_locked_store_gives_a_store_error_not_a_traceback(two_stories, engine, tmp_path):
    store, _, _ = two_stories
    other = sqlite3.connect(tmp_path / "m.db", timeout=0.1, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    store.db.execute("PRAGMA busy_timeout = 100")
    try:
        late = _article(engine, "Late news", BODY_B, published="2021-10-03")
        with pytest.raises(StoreError, match="not stored"):
            store.add(Batch((NewArticle(late, f"s{late.article.id}"),), (_state(f"s{late.article.id}", [late]),)))
        with pytest.raises(StoreError, match="not stored"):
            store.save_outlet_template("example.org", {"outlet": "example.org"})
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_writing_store_reads_every_hot_btree_into_its_cache(tmp_path):
    """Each warm-up query walks the B-tree it names: SQLite answers a bare ``count(*)`` with the
    smallest index whatever INDEXED BY says, which would read one index fifteen times over."""
    from marsad.store.sqlite import _HOT_BTREES

    store = SQLiteStore(tmp_path / "m.db", cache_mib=64)
    assert store.db.execute("PRAGMA cache_size").fetchone()[0] == -64 * 1024
    walked = []
    for walk in _HOT_BTREES:
        [plan] = [row[3] for row in store.db.execute(f"EXPLAIN QUERY PLAN {walk}")]
        table = walk.split(" FROM ")[1].split()[0]
        if "NOT INDEXED" in walk:
            assert plan == f"SCAN {table}", (walk, plan)
            walked.append(table)
        else:
            index = walk.rsplit(" ", 1)[1]
            assert plan == f"SCAN {table} USING COVERING INDEX {index}", (walk, plan)
            walked.append(index)
    assert len(set(walked)) == len(walked) == len(_HOT_BTREES)
    store.close()


def test_codec_keeps_the_pair_vector_and_reads_analyses_written_before_it(engine, sample_articles):
    from dataclasses import replace

    analysed = engine.analyser.analyse(sample_articles[0])
    assert analysed.analysis.pair_vector is not None  # the hashing stand-in gives one
    back = decode_analysis(encode_analysis(analysed.analysis))
    assert np.array_equal(back.pair_vector, analysed.analysis.pair_vector)
    assert np.array_equal(back.document_vector, analysed.analysis.document_vector)
    without = decode_analysis(encode_analysis(replace(analysed.analysis, pair_vector=None)))
    assert without.pair_vector is None
    assert np.array_equal(without.sentence_vectors, analysed.analysis.sentence_vectors)
