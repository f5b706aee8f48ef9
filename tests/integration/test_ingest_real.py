"""With the default encoder: the sample pages make one story, the unrelated page another; Arabic and English join."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from marsad.cli import cli
from marsad.engine import Engine
from marsad.settings import Settings
from marsad.store import open_store
from tests.conftest import PAGE_REUTERS, PAGE_UNRELATED, PAGE_WASHINGTON

DATA = Path(__file__).resolve().parent.parent / "data" / "clustering"
ENGLISH = DATA / "helsinki_en.txt"


@pytest.fixture(scope="module")
def default_engine() -> Engine:
    return Engine(Settings())  # the default encoder, as `marsad ingest` runs it


@pytest.mark.integration
def test_samples_one_story_unrelated_another_english_joins(default_engine, tmp_path):
    store = open_store(tmp_path / "m.db")
    order = [PAGE_WASHINGTON, PAGE_UNRELATED, PAGE_REUTERS, ENGLISH]
    result = default_engine.ingest(order, store, batch_size=2)
    assert (result.stored, result.failed) == (4, 0)
    ids = [next(iter(default_engine.clean_paths([path]))).id for path in order]
    stories = store.story_of(ids)
    washington, unrelated, reuters, english = (stories[i] for i in ids)
    assert washington == reuters == english
    assert unrelated != washington
    detail = store.story(washington)
    assert detail.summary.languages == ("ar", "en") and detail.summary.size == 3
    shared = {entity.id for entity in detail.shared_entities}
    assert {"person:ML", "person:JRSMF", "country:FI"} <= shared  # Milley, Gerasimov, Finland, in both scripts
    # Ingesting the same pages again stores nothing new.
    again = default_engine.ingest(order, store)
    assert (again.stored, again.seen) == (0, 4)
    store.close()


@pytest.mark.integration
def test_cluster_command_on_json_lines():
    result = CliRunner().invoke(cli, ["cluster", str(DATA / "articles.jsonl"), "--json", "--workers", "0"])
    assert result.exit_code == 1  # the malformed line is reported; the rest is clustered
    assert "articles.jsonl:3" in result.stderr and "Traceback" not in result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["id"] for row in rows] == ["washington", "reuters", "football", "english"]
    story = {row["id"]: row["story"] for row in rows}
    assert story["washington"] == story["reuters"] == story["english"] != story["football"]


@pytest.mark.integration
def test_ingest_stories_story_recluster_commands(tmp_path):
    db = tmp_path / "m.db"
    runner = CliRunner()
    result = runner.invoke(cli, ["ingest", str(PAGE_WASHINGTON), str(PAGE_REUTERS), str(PAGE_UNRELATED), "--db", str(db), "--workers", "0"])
    assert result.exit_code == 0, result.output
    listed = [json.loads(line) for line in runner.invoke(cli, ["stories", "--db", str(db), "--json"]).stdout.splitlines()]
    assert sorted(s["size"] for s in listed) == [1, 2]
    big = next(s for s in listed if s["size"] == 2)
    detail = json.loads(runner.invoke(cli, ["story", big["id"], "--db", str(db), "--json"]).stdout)
    assert len(detail["members"]) == 2 and detail["shared_entities"]
    assert runner.invoke(cli, ["story", "s0000", "--db", str(db)]).exit_code == 1
    result = runner.invoke(cli, ["recluster", "--db", str(db)])
    assert result.exit_code == 0, result.output
    again = [json.loads(line) for line in runner.invoke(cli, ["stories", "--db", str(db), "--json"]).stdout.splitlines()]
    assert sorted((s["id"], s["size"]) for s in again) == sorted((s["id"], s["size"]) for s in listed)
