"""Stories are listed, filtered and plotted by publication date only; undated ones are shown as undated (issue 21)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest
from click.testing import CliRunner

from marsad.cli import cli
from marsad.store import ArticleQuery, Batch, NewArticle, StoryQuery
from marsad.store.sqlite import SQLiteStore
from tests.unit.store.test_store import BODY_A, BODY_B, _article, _state

BODY_C = "The central bank raised its main interest rate by half a point to slow inflation, the governor said. " * 3


@pytest.fixture()
def dated_and_undated(engine, tmp_path):
    """Three stories: an old dated one (3 outlets), a newer dated one (1 outlet), and an undated one ingested last."""
    path = tmp_path / "m.db"
    store = SQLiteStore(path)
    old1 = _article(engine, "Ministers agree budget rule in Helsinki", BODY_A, published="2021-09-22", url="https://www.reuters.com/a")
    old2 = _article(engine, "Budget rule agreed", BODY_A + " Officials said more talks follow.", published="2021-09-23", url="https://apnews.com/b")
    old3 = _article(engine, "Helsinki budget deal", BODY_A + " A third outlet reports.", published="2021-09-23", url="https://bbc.co.uk/c")
    new = _article(engine, "Rate rise to slow inflation", BODY_C, published="2021-10-05", url="https://ft.com/d")
    undated = _article(engine, "Floods in Fes", BODY_B, url="https://hespress.com/e")
    s_old, s_new, s_undated = (f"s{a.article.id}" for a in (old1, new, undated))
    store.add(Batch(
        (NewArticle(old1, s_old), NewArticle(old2, s_old), NewArticle(old3, s_old), NewArticle(new, s_new)),
        (replace(_state(s_old, [old1, old2, old3]), first_published="2021-09-22", last_published="2021-09-23"), _state(s_new, [new], "2021-10-05")),
    ))
    store.add(Batch((NewArticle(undated, s_undated),), (_state(s_undated, [undated], None),)))  # ingested today, no date
    yield store, path, (s_old, s_new, s_undated), (old1, new, undated)
    store.close()


def test_undated_story_sorts_last_not_as_new(dated_and_undated):
    store, _, (s_old, s_new, s_undated), _ = dated_and_undated
    assert [s.id for s in store.stories().items] == [s_new, s_old, s_undated]


def test_date_filters_leave_undated_stories_out(dated_and_undated):
    store, _, (s_old, s_new, s_undated), _ = dated_and_undated
    assert [s.id for s in store.stories(StoryQuery(since="2021-09-01")).items] == [s_new, s_old]
    assert [s.id for s in store.stories(StoryQuery(since="2021-10-01")).items] == [s_new]
    assert [s.id for s in store.stories(StoryQuery(until="2030-01-01")).items] == [s_new, s_old]
    assert [s.id for s in store.stories(StoryQuery(dated=False)).items] == [s_undated]
    assert [s.id for s in store.stories(StoryQuery(dated=True)).items] == [s_new, s_old]


def test_undated_articles_pass_no_date_filter(dated_and_undated):
    store, _, _, (old1, new, undated) = dated_and_undated
    ids = [a.id for a in store.articles(ArticleQuery(since="2021-01-01")).items]
    assert undated.article.id not in ids and new.article.id in ids
    assert store.articles().items[-1].id == undated.article.id  # newest first, undated last


def test_sort_by_size_and_outlets_and_min_outlets(dated_and_undated):
    store, _, (s_old, s_new, s_undated), _ = dated_and_undated
    assert store.stories(StoryQuery(sort="size")).items[0].id == s_old
    assert store.stories(StoryQuery(sort="outlets")).items[0].id == s_old
    assert [s.id for s in store.stories(StoryQuery(min_outlets=2)).items] == [s_old]
    with pytest.raises(Exception, match="sort: unknown order 'age'"):
        StoryQuery(sort="age")


def test_migration_moves_old_undated_stories_last(dated_and_undated, tmp_path):
    store, path, (s_old, s_new, s_undated), _ = dated_and_undated
    store.close()
    db = sqlite3.connect(path)  # as schema 4 wrote it: an undated story's recency was its ingest day
    db.execute("UPDATE stories SET recency = '2099-01-01' WHERE id = ?", (s_undated,))
    db.execute("PRAGMA user_version = 4")
    db.commit()
    db.close()
    with SQLiteStore(path) as reopened:
        assert [s.id for s in reopened.stories().items] == [s_new, s_old, s_undated]


def test_cli_stories_one_line_per_story_piped(dated_and_undated):
    _, path, (s_old, s_new, s_undated), _ = dated_and_undated
    result = CliRunner().invoke(cli, ["stories", "--db", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split("\t") == ["published", "size", "outlets", "headline", "id"]
    rows = [line.split("\t") for line in lines[1:]]
    assert [row[4] for row in rows] == [s_new, s_old, s_undated]
    assert rows[1] == ["2021-09-23", "3", "apnews.com, bbc.co.uk, reuters.com", "Ministers agree budget rule in Helsinki", s_old]
    assert rows[2][0] == "undated"


def test_cli_stories_fit_an_80_column_terminal(dated_and_undated):
    from rich.console import Console

    from marsad.cli._output import render_story_lines

    store, _, _, _ = dated_and_undated
    console = Console(width=80, record=True, force_terminal=True)
    long = replace(store.stories().items[1], headline="A very long headline " * 8, outlets=tuple(f"outlet{i}.example.com" for i in range(9)))
    render_story_lines(console, [long, *store.stories().items], 3, piped=False)
    lines = console.export_text().splitlines()
    assert len(lines) == 1 + 4 + 1  # header, one line per story, the count
    assert all(len(line) <= 80 for line in lines)
    assert "2021-09-23" in lines[1] and "A very long headline" in lines[1] and "+" in lines[1] and long.id in lines[1]
    assert lines[4].startswith("undated")


def test_cli_stories_sort_and_bad_date(dated_and_undated):
    _, path, (s_old, s_new, s_undated), _ = dated_and_undated
    result = CliRunner().invoke(cli, ["stories", "--db", str(path), "--min-outlets", "2", "--json"])
    assert [line for line in result.stdout.splitlines() if s_old in line] and s_new not in result.stdout
    result = CliRunner().invoke(cli, ["stories", "--db", str(path), "--undated", "only", "--json"])
    assert s_undated in result.stdout and s_old not in result.stdout
    result = CliRunner().invoke(cli, ["stories", "--db", str(path), "--since", "22/09/2021"])
    assert result.exit_code == 2 and "--since" in result.output and "YYYY-MM-DD" in result.output
