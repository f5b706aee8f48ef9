"""Stories are listed, filtered and plotted by publication date only; undated ones are shown as undated (issue 21)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest
from click.testing import CliRunner

from marsad.cli import cli
from marsad.store import ArticleQuery, StoryQuery
from marsad.store.sqlite import SQLiteStore


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
    store, _, _, (_, new, undated) = dated_and_undated
    ids = [a.id for a in store.articles(ArticleQuery(since="2021-01-01")).items]
    assert undated.article.id not in ids and new.article.id in ids
    assert store.articles().items[-1].id == undated.article.id  # newest first, undated last


def test_sort_by_size_and_outlets_and_min_outlets(dated_and_undated):
    store, _, (s_old, _, _), _ = dated_and_undated
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


def test_cli_until_a_month_covers_the_month(dated_and_undated):
    _, path, (s_old, s_new, _), _ = dated_and_undated
    listed = CliRunner().invoke(cli, ["stories", "--db", str(path), "--until", "2021-09", "--json"]).stdout
    assert s_old in listed and s_new not in listed
    articles = CliRunner().invoke(cli, ["articles", "--db", str(path), "--until", "2021-09", "--json"]).stdout
    assert articles.count("\n") == 3  # the three September articles
