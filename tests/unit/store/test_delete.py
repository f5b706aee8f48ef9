"""`marsad delete` removes an article and its story is recomputed from the members left (issue 21)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from marsad.cli import cli
from marsad.store import ArticleQuery, StoryQuery
from marsad.store.sqlite import SQLiteStore


def test_delete_article_recomputes_its_story(dated_and_undated):
    store, _, (s_old, _, _), (old1, _, _) = dated_and_undated
    with store._lock, store.db:  # as if the story were last changed long ago
        store.db.execute("UPDATE stories SET updated = '2000-01-01T00:00:00+00:00' WHERE id = ?", (s_old,))
    before = store.counts()
    found_before = store.articles(ArticleQuery(text="finance ministers Helsinki")).total
    generation = store.generation()
    result = store.delete_article(old1.article.id)
    assert (result.story_id, result.story_deleted) == (s_old, False)
    assert store.article(old1.article.id) is None and store.analysed(old1.article.id) is None
    story = store.story(s_old).summary
    assert (story.size, story.articles) == (2, 2)
    assert story.outlets == ("apnews.com", "bbc.co.uk")  # reuters.com's only article is gone
    assert story.headline == "Budget rule agreed"  # the headline article went; the next one's title
    assert (story.first_published, story.last_published) == ("2021-09-23", "2021-09-23")
    assert story.updated > "2000-01-01T00:00:00+00:00"  # the delete changed it
    found = store.articles(ArticleQuery(text="finance ministers Helsinki"))  # out of the full-text index
    assert found.total == found_before - 1 and old1.article.id not in [a.id for a in found.items]
    assert old1.article.id not in [aid for aid, _ in store.nearest(old1.analysis.document_vector, 10)]
    assert store.counts().articles == before.articles - 1 and store.generation() == generation + 1
    assert store.delete_article(old1.article.id) is None


def test_delete_last_article_deletes_the_story(dated_and_undated):
    store, _, (_, s_new, _), (_, new, _) = dated_and_undated
    assert store.delete_article(new.article.id).story_deleted
    assert store.story(s_new) is None
    assert s_new not in [s.id for s in store.stories(StoryQuery()).items]


def test_delete_promotes_the_earliest_copy(engine, tmp_path):
    from marsad.store import Batch, NewArticle
    from tests.unit.store.test_store import BODY_A, _article, _state

    store = SQLiteStore(tmp_path / "m.db")
    original = _article(engine, "Budget rule agreed", BODY_A, published="2021-09-22", url="https://a.example/1")
    copy = _article(engine, "Budget rule agreed (wire)", BODY_A + " Agency copy.", published="2021-09-23", url="https://b.example/2")
    later = _article(engine, "Budget rule agreed (again)", BODY_A + " Another copy.", published="2021-09-24", url="https://c.example/3")
    story_id = f"s{original.article.id}"
    store.add(Batch((NewArticle(original, story_id), NewArticle(copy, story_id, copy_of=original.article.id, copy_kind="wire"),
                     NewArticle(later, story_id, copy_of=original.article.id, copy_kind="wire")), (_state(story_id, [original], "2021-09-22"),)))
    assert store.delete_article(original.article.id).promoted == copy.article.id
    detail = store.story(story_id)
    assert [m.article.id for m in detail.members] == [copy.article.id]
    assert [c.id for c in detail.members[0].copies] == [later.article.id]
    assert (detail.summary.size, detail.summary.articles) == (1, 2)
    assert (store.counts().articles, store.counts().copies) == (2, 1)
    store.close()


def test_cli_delete(dated_and_undated):
    store, path, _, (old1, _, _) = dated_and_undated
    store.close()
    result = CliRunner().invoke(cli, ["delete", old1.article.id, "0000000000000000", "--db", str(path), "--yes", "--json"])
    assert result.exit_code == 1  # one id was not there
    assert json.loads(result.stdout)["id"] == old1.article.id
    assert "0000000000000000: no such article" in result.stderr
    refused = CliRunner().invoke(cli, ["delete", old1.article.id, "--db", str(path)], input="n\n")
    assert refused.exit_code == 1 and "nothing deleted" in refused.output
    with SQLiteStore(path) as reopened:  # the saved vector index no longer holds it
        assert old1.article.id not in [aid for aid, _ in reopened.nearest(old1.analysis.document_vector, 10)]


def test_a_delete_leaves_neither_saved_index_stale(tmp_path, caplog):
    """As `xargs marsad delete` runs it: each delete a process of its own, the next ingest another."""
    import logging

    from marsad.engine import Engine
    from marsad.settings import Settings
    from tests.integration.test_ingest_kill import _pages

    pages = tmp_path / "pages"
    _pages(pages, 12)
    engine = Engine(Settings(encoder="hashing"))
    with SQLiteStore(tmp_path / "d.db") as store:
        assert engine.ingest([pages], store, batch_size=4).stored == 12
        gone = [row[0] for row in store.db.execute("SELECT a.id FROM articles a JOIN article_fingerprints f ON f.rowid = a.rowid LIMIT 2")]
    assert len(gone) == 2
    caplog.set_level(logging.INFO, logger="marsad")
    for article_id in gone:
        with SQLiteStore(tmp_path / "d.db") as store:  # a fresh process: the indexes load from their files
            assert store.delete_article(article_id) is not None
    with SQLiteStore(tmp_path / "d.db") as store:
        store._vector_index(), store._band_index()
        assert store._band_index().covered == store.db.execute("SELECT count(*) FROM article_fingerprints").fetchone()[0]
        assert len(store._vector_index()) == 10
    assert not [record for record in caplog.records if "stale" in record.getMessage() or "rebuilding" in record.getMessage()]


def test_an_article_added_after_the_newest_was_deleted_reaches_a_running_reader(engine, tmp_path):
    """SQLite would give it the deleted article's rowid, which a reader's index had already passed."""
    from marsad.store import Batch, NewArticle
    from tests.unit.store.test_store import BODY_A, BODY_B, _article, _state

    path = tmp_path / "r.db"
    first, second = _article(engine, "Budget talks in Helsinki", BODY_A), _article(engine, "Floods in Fes", BODY_B)
    with SQLiteStore(path) as writer:
        writer.add(Batch((NewArticle(first, "s1"), NewArticle(second, "s2")), (_state("s1", [first]), _state("s2", [second]))))
    reader = SQLiteStore(path, read_only=True)
    assert {aid for aid, _ in reader.nearest(second.analysis.document_vector, 5)} == {first.article.id, second.article.id}
    with SQLiteStore(path) as writer:
        writer.delete_article(second.article.id)  # the newest row
        late = _article(engine, "Rate rise to slow inflation", "The central bank raised its rate by half a point on Tuesday to slow inflation. " * 3)
        writer.add(Batch((NewArticle(late, "s3"),), (_state("s3", [late]),)))
        assert writer.db.execute("SELECT rowid FROM articles WHERE id = ?", (late.article.id,)).fetchone()[0] == 3
    assert late.article.id in {aid for aid, _ in reader.nearest(late.analysis.document_vector, 5)}
    reader.close()


def test_a_delete_beside_a_running_writer_leaves_the_band_index_whole(tmp_path, caplog):
    """A server or an ingest holds the band index while `marsad delete` runs in another process."""
    import logging

    from marsad.engine import Engine
    from marsad.settings import Settings
    from tests.integration.test_ingest_kill import _pages

    pages = tmp_path / "pages"
    _pages(pages, 8)
    engine = Engine(Settings(encoder="hashing"))
    running = SQLiteStore(tmp_path / "d.db")
    assert engine.ingest([pages], running, batch_size=4).stored == 8
    running.save_index()
    gone = running.db.execute("SELECT a.id FROM articles a JOIN article_fingerprints f ON f.rowid = a.rowid LIMIT 1").fetchone()[0]
    with SQLiteStore(tmp_path / "d.db") as other:
        assert other.delete_article(gone) is not None
    running.save_index()  # it never saw the delete
    running.close()
    caplog.set_level(logging.INFO, logger="marsad")
    with SQLiteStore(tmp_path / "d.db") as store:
        assert store._band_index().covered == store.db.execute("SELECT count(*) FROM article_fingerprints").fetchone()[0] == 7
    assert not [record for record in caplog.records if "stale" in record.getMessage()]
