"""The everyday questions from the CLI: list/search articles, compare stored articles, export,
why each member joined, progress with total/rate/ETA, --report with the source (issue 21)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from marsad.cli import cli


def run(*args):
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def test_articles_lists_and_searches(dated_and_undated):
    _, path, _, (_, new, undated) = dated_and_undated
    result = run("articles", "--db", path)
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert rows[0] == ["published", "outlet", "language", "title", "id"]
    assert rows[1][0] == "2021-10-05" and rows[1][4] == new.article.id
    assert rows[-1][0] == "undated" and rows[-1][4] == undated.article.id
    found = [json.loads(line) for line in run("articles", "--db", path, "--text", "inflation", "--json").stdout.splitlines()]
    assert [item["id"] for item in found] == [new.article.id]
    assert run("articles", "--db", path, "--outlet", "hespress.com", "--json").stdout.count("\n") == 1


def test_compare_stored_articles_by_id(dated_and_undated):
    _, path, _, (old1, new, _) = dated_and_undated
    result = run("compare", old1.article.id, new.article.id, "--db", path, "--json", "--encoder", "hashing")
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.stdout)["scores"]) >= {"overall", "geography"}
    missing = run("compare", old1.article.id, "0000000000000000", "--db", path)
    assert missing.exit_code == 1 and "B: no article '0000000000000000'" in missing.output and "marsad articles" in missing.output
    no_db = run("compare", old1.article.id, new.article.id, "--encoder", "hashing")
    assert no_db.exit_code == 1 and "no such file (to compare stored articles by id, add --db STORE)" in no_db.output


@pytest.mark.parametrize("suffix", ["csv", "jsonl", "parquet"])
def test_export_articles_and_stories(dated_and_undated, tmp_path, suffix):
    _, path, (s_old, s_new, s_undated), (old1, new, undated) = dated_and_undated
    articles, stories = tmp_path / f"articles.{suffix}", tmp_path / f"stories.{suffix}"
    assert run("export", "articles", articles, "--db", path).exit_code == 0
    assert run("export", "stories", stories, "--db", path).exit_code == 0
    if suffix == "csv":
        rows = list(csv.DictReader(articles.open(encoding="utf-8-sig")))
        story_rows = list(csv.DictReader(stories.open(encoding="utf-8-sig")))
        assert story_rows[0]["outlets"] == "ft.com"
    elif suffix == "jsonl":
        rows = [json.loads(line) for line in articles.read_text(encoding="utf-8").splitlines()]
        story_rows = [json.loads(line) for line in stories.read_text(encoding="utf-8").splitlines()]
        assert story_rows[1]["outlets"] == ["apnews.com", "bbc.co.uk", "reuters.com"]
    else:
        import pyarrow.parquet as pyarrow
        rows = pyarrow.read_table(articles).to_pylist()
        story_rows = pyarrow.read_table(stories).to_pylist()
        assert story_rows[1]["size"] == 3
    assert len(rows) == 5 and {row["id"] for row in rows} >= {old1.article.id, undated.article.id}
    assert next(row for row in rows if row["id"] == new.article.id)["text"].startswith("The central bank raised")
    assert [row["id"] for row in story_rows] == [s_new, s_old, s_undated]
    assert not list(tmp_path.glob(".*.tmp"))


def test_export_filters_as_articles_and_stories_do(dated_and_undated, tmp_path):
    _, path, (s_old, _, _), (old1, new, undated) = dated_and_undated
    output = tmp_path / "out.jsonl"

    def exported(what, *options):
        result = run("export", what, output, "--db", path, *options)
        assert result.exit_code == 0, result.output
        return [json.loads(line)["id"] for line in output.read_text(encoding="utf-8").splitlines()]

    assert exported("articles", "--text", "inflation") == [new.article.id]
    assert exported("articles", "--outlet", "hespress.com") == [undated.article.id]
    assert len(exported("articles", "--until", "2021-09")) == 3  # the month's three; no undated one
    assert exported("stories", "--outlet", "reuters.com") == [s_old]
    assert exported("stories", "--since", "2021-09-01", "--until", "2021-09-30") == [s_old]
    bad = run("export", "articles", output, "--db", path, "--since", "last week")
    assert bad.exit_code == 2 and "--since" in bad.output and "Traceback" not in bad.output
    for option, value in (("--since", "2021-13-01"), ("--until", "2021-02-30")):
        bad = run("export", "articles", output, "--db", path, option, value)
        assert bad.exit_code == 2 and "no date in the calendar" in bad.output and option in bad.output


def test_an_export_is_readable_as_the_file_it_replaces_or_under_the_umask(dated_and_undated, tmp_path):
    import os
    import stat

    _, path, _, _ = dated_and_undated
    output = tmp_path / "shared.csv"
    mask = os.umask(0o022)
    try:
        assert run("export", "stories", output, "--db", path).exit_code == 0
        assert stat.S_IMODE(output.stat().st_mode) == 0o644  # not mkstemp's private 0600
        output.chmod(0o640)
        assert run("export", "stories", output, "--db", path).exit_code == 0
        assert stat.S_IMODE(output.stat().st_mode) == 0o640
    finally:
        os.umask(mask)


def test_export_refuses_an_unknown_format_and_leaves_nothing(dated_and_undated, tmp_path):
    _, path, _, _ = dated_and_undated
    result = run("export", "articles", tmp_path / "articles.xlsx", "--db", path)
    assert result.exit_code == 2 and "--format" in result.output and "Traceback" not in result.output
    assert not [item for item in tmp_path.iterdir() if "articles" in item.name]


def test_story_says_why_each_member_joined(dated_and_undated):
    _, path, (s_old, _, _), (old1, _, _) = dated_and_undated
    data = json.loads(run("story", s_old, "--db", path, "--json").stdout)
    first, second = data["members"][0]["joined"], data["members"][1]["joined"]
    assert first["matched_article"] is None and second["matched_article"] == old1.article.id
    assert set(second) == {"score_against_story", "matched_article", "matched_score", "shared_entities"}
    assert any(entity["label"] == "Helsinki" for entity in second["shared_entities"])
    text = run("story", s_old, "--db", path).stdout
    assert "started the story" in text and f"matched {old1.article.id}" in text and "against the story" in text


def test_ingest_report_names_the_source(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "flood.txt").write_text("Floods in the north\n\n" + "Heavy rain flooded several districts in the north overnight, the civil defence said. " * 4, encoding="utf-8")
    (pages / "empty.txt").write_bytes(b"")
    report = tmp_path / "report.jsonl"
    result = run("ingest", pages, "--db", tmp_path / "m.db", "--encoder", "hashing", "--workers", "0", "--report", report)
    assert result.exit_code == 1  # one page failed
    lines = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    stored = next(line for line in lines if "id" in line)
    assert stored["source"].endswith("flood.txt") and stored["story"]
    failed = next(line for line in lines if "error" in line)
    assert failed["source"].endswith("empty.txt")


def test_progress_bar_shows_total_rate_and_eta():
    from rich.progress import MofNCompleteColumn, TimeRemainingColumn

    from marsad.cli._output import progress, progress_bar, rate_text
    from marsad.cli.stories import _page_count

    columns = progress().columns
    assert any(isinstance(column, MofNCompleteColumn) for column in columns)
    assert any(isinstance(column, TimeRemainingColumn) for column in columns)
    with progress_bar("test", 10) as advance:
        advance(3)
        advance(completed=7)

    class Task:
        speed = 12.34
    assert rate_text(Task()) == "12.3/s"
    from tests.conftest import SAMPLES
    assert _page_count((SAMPLES,)) == len([p for p in SAMPLES.iterdir() if p.is_file()])


def test_story_by_the_start_of_its_id(dated_and_undated):
    _, path, (s_old, _, _), _ = dated_and_undated
    data = json.loads(run("story", s_old[:7], "--db", path, "--json").stdout)
    assert data["id"] == s_old
    assert "no such story" in run("story", "szzzzzz", "--db", path).output


def test_ingest_knows_its_total_for_page_files_and_json_lines(tmp_path):
    import gzip

    from marsad.cli.stories import _page_count

    (tmp_path / "pages").mkdir()
    for name in ("a.txt", "b.html", "c.txt.gz"):
        (tmp_path / "pages" / name).write_bytes(b"x")
    lines = b'{"text": "a"}\n\n{"text": "b"}\nnot json\n'
    (tmp_path / "feed.jsonl").write_bytes(lines)
    (tmp_path / "feed2.ndjson.gz").write_bytes(gzip.compress(lines))
    assert _page_count((tmp_path / "pages", tmp_path / "feed.jsonl", tmp_path / "feed2.ndjson.gz")) == 3 + 3 + 3
    (tmp_path / "crawl.warc.gz").write_bytes(b"")
    assert _page_count((tmp_path / "crawl.warc.gz",)) is None and _page_count((Path("-"),)) is None


def test_the_cli_filters_as_the_api_does(dated_and_undated):
    _, path, _, _ = dated_and_undated
    lower = run("articles", "--db", path, "--language", "en", "--json").stdout
    assert lower.strip() and run("articles", "--db", path, "--language", "EN", "--json").stdout == lower
    assert run("stories", "--db", path, "--language", "EN", "--json").stdout.strip()
    for command in ("articles", "stories"):
        bad = run(command, "--db", path, "--since", "2021-09-30", "--until", "2021-09-01")
        assert bad.exit_code == 2 and "is after --until" in bad.output
        assert run(command, "--db", path, "--since", "2021-09-15", "--until", "2021-09").exit_code == 0  # the month covers the 15th
