"""Errors are one line naming the file or option and the fix; outlets are one form per site (issue 21)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import marsad
from marsad.cli import cli
from marsad.errors import InputError
from tests.conftest import PAGE_REUTERS, PAGE_WASHINGTON


def run(*args):
    return CliRunner().invoke(cli, [str(arg) for arg in args])


def test_ingest_with_another_encoder_than_the_store_is_one_line(tmp_path):
    db = tmp_path / "m.db"
    assert run("ingest", PAGE_WASHINGTON, "--db", db, "--encoder", "hashing", "--workers", "0").exit_code == 0
    result = run("ingest", PAGE_REUTERS, "--db", db, "--encoder", "e5", "--workers", "0")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"{db} holds 256-dimension vectors, --encoder e5 makes 384 (ingest with --encoder hashing" in " ".join(result.output.split())


def test_encoder_dims_are_the_encoders_own():
    from marsad.encoders.e5 import E5Encoder
    from marsad.encoders.hashing import HashingEncoder
    from marsad.encoders.use import UseEncoder
    from marsad.settings import ENCODER_DIMS

    assert ENCODER_DIMS == {"use": UseEncoder.dim, "e5": E5Encoder.dim, "hashing": HashingEncoder.dim}


def test_cluster_non_utf8_line_is_named_and_the_rest_clustered(tmp_path):
    feed = tmp_path / "feed.jsonl"
    good = json.dumps({"id": "1", "text": "Floods in the north closed the main road today, officials said on Monday evening."})
    feed.write_bytes(good.encode() + b'\n{"id": "2", "text": "caf\x95 bad"}\n')
    result = run("cluster", feed, "--encoder", "hashing", "--workers", "0", "--json")
    assert result.exit_code == 1
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["1"]
    assert f"{feed}:2: not UTF-8 (byte 0x95 at column 25) (save the file as UTF-8" in " ".join(result.stderr.split())
    assert "codec" not in result.output


def test_clean_of_a_missing_path_is_an_error_not_a_page(tmp_path):
    with pytest.raises(InputError, match="typo.txt: no such file or folder"):
        marsad.clean("typo.txt")
    with pytest.raises(InputError, match="no such file"):
        marsad.clean(tmp_path / "missing.html")


def test_compare_of_a_missing_file_names_it():
    result = run("compare", "nothere.txt", PAGE_REUTERS, "--encoder", "hashing")
    assert result.exit_code == 1 and "nothere.txt: no such file" in result.output and "Traceback" not in result.output


def test_score_pairs_reads_semeval_text1_text2_jsonl(tmp_path):
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(json.dumps({"pair_id": "1_2", "lang1": "en", "lang2": "en",
                                 "text1": "The president met the minister in Cairo on Monday to discuss the budget for next year.",
                                 "text2": "On Monday the minister and the president talked about next year's budget in Cairo."}) + "\n", encoding="utf-8")
    result = run("score-pairs", "--json", "--encoder", "hashing", pairs)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[0])["id"] == "1_2"



def test_score_pairs_bad_record_is_one_line_and_the_others_are_scored(tmp_path):
    from marsad.cli.score_pairs import _article

    good = {"id": "ok", "a": {"text": "The president met the minister in Cairo on Monday."}, "b": {"text": "The minister met the president in Cairo."}}
    lines = [json.dumps(good), '{"id": "surrogate", "a": {"text": "\\ud800 x"}, "b": {"text": "y"}}',
             '{"id": "nul", "a": {"text": "a\\u0000b"}, "b": {"text": "y"}}', json.dumps({**good, "id": "ok2"})]
    content = "\n".join(lines) + "\n"
    (tmp_path / "pairs.jsonl").write_text(content, encoding="utf-8")
    for args, given in (([tmp_path / "pairs.jsonl"], None), (["-"], content)):
        result = CliRunner().invoke(cli, ["score-pairs", "--encoder", "hashing", *map(str, args)], input=given)
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["ok", "ok2"]
        assert ":2:a: field 'text' holds a lone surrogate" in result.stderr and ":3:a: field 'text' is binary" in result.stderr
    # A feed's date as clean reads it, not its first ten characters ("Fri, 05 No").
    dates = ["Fri, 05 Nov 2021 10:00:00 GMT", 1636070400, "2021-11-05T10:00:00Z", "not a date"]
    assert [_article({"text": "x", "published": value}, "s", "a").published for value in dates] == ["2021-11-05"] * 3 + [None]

def test_hints_name_real_options():
    from pathlib import Path

    from marsad.ingest.jsonl import read_jsonl  # noqa: F401  (the hints below are its and readers.py's)

    for module in ("marsad/ingest/jsonl.py", "marsad/ingest/readers.py"):
        text = Path(marsad.__file__).parent.parent.joinpath(module).read_text(encoding="utf-8")
        assert "raise max_page_bytes" not in text and "set the JSON field names" not in text
    assert "--max-page-mb" in run("ingest", "--help").output and "--max-page-mb" in run("clean", "--help").output


def test_too_large_page_hint_option_works(tmp_path):
    page = tmp_path / "big.txt"
    page.write_text("Title of the page\n\n" + "A long enough sentence of the body. " * 60, encoding="utf-8")
    result = run("clean", page, "--max-page-mb", "0.001", "--encoder", "hashing")
    assert result.exit_code == 1 and "--max-page-mb" in result.stderr


def test_every_command_help_has_examples():
    for name in ("clean", "compare", "stories", "story", "articles", "export", "delete", "ingest", "cluster", "recluster", "score-pairs", "demo"):
        assert "Example" in run(name, "--help").output, name


def test_outlet_one_form_per_site(engine, tmp_path):
    from marsad.models import Article
    from marsad.store import ArticleQuery, Batch, NewArticle
    from marsad.store.sqlite import SQLiteStore, outlet_of

    named = Article(source="p", title="T", paragraphs=("x",), url="https://www.Reuters.com/world/a", outlet="Reuters")
    assert outlet_of(named) == "reuters.com" == outlet_of(named, "Reuters")
    assert outlet_of(Article(source="p", title="T", paragraphs=("x",), outlet=" Hespress ")) == "Hespress"
    store = SQLiteStore(tmp_path / "m.db")
    a = engine.analyse(Article(source="a", title="Budget rule agreed", paragraphs=("Ministers agreed a budget rule in Helsinki on Tuesday. " * 3,),
                               url="https://www.reuters.com/a", outlet="Reuters"))
    store.add(Batch((NewArticle(a, "s1"),), ()))
    for query in ("reuters.com", "Reuters", "www.reuters.com", "REUTERS.COM"):
        assert [r.id for r in store.articles(ArticleQuery(outlet=query)).items] == [a.article.id], query
    assert store.articles(ArticleQuery(outlet="reut")).total == 0
    store.close()


def test_help_lists_no_option_that_does_nothing():
    assert "--json" not in run("score-pairs", "--help").output
    assert run("score-pairs", "--json", "--help").exit_code == 0  # still accepted
