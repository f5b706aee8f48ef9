"""``marsad entities``: one JSON line per input with offsets into the text as given; bad lines reported in one line."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from marsad.cli import cli
from tests.conftest import PAGE_WASHINGTON


def test_entities_json_lines_offsets_and_a_bad_line(tmp_path):
    texts = tmp_path / "texts.jsonl"
    records = [
        {"id": "en-1", "text": "Joe Biden's envoy met Mark Milley in Geneva.\nThe Russian side did not comment.", "language": "en"},
        {"id": 7, "text": "وقال الرئيس الأميركي جو بايدن إن واشنطن ستحتفظ بقدرات في أفغانستان"},
    ]
    texts.write_text(json.dumps(records[0], ensure_ascii=False) + "\n{not json\n" + json.dumps(records[1], ensure_ascii=False) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["entities", "--json", str(texts)])
    assert result.exit_code == 1
    assert f"{texts}:2: not valid JSON" in result.stderr and "Traceback" not in result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["en-1", 7]
    for line, record in zip(lines, records):
        assert line["entities"]
        for entity in line["entities"]:
            assert set(entity) == {"start", "end", "kind", "form", "id", "text"}
            assert record["text"][entity["start"] : entity["end"]] == entity["text"]
    english = {(e["text"], e["id"], e["form"]) for e in lines[0]["entities"]}
    assert ("Joe Biden", "person:biden", "name") in english and ("Russian", "country:RU", "demonym") in english
    assert "person:biden" in {e["id"] for e in lines[1]["entities"]}


def test_entities_of_a_page_point_into_its_clean_text():
    result = CliRunner().invoke(cli, ["entities", "--json", str(PAGE_WASHINGTON)])
    assert result.exit_code == 0
    [line] = [json.loads(text) for text in result.stdout.splitlines()]
    ids = {entity["id"] for entity in line["entities"]}
    assert {"place:658225", "country:AF", "person:biden"} <= ids


def test_entities_of_a_missing_file_is_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["entities", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 1 and "no such file" in result.stderr and "Traceback" not in result.output


@pytest.fixture
def budgets(monkeypatch) -> list:
    """The ``entity_pieces`` each EntityFinder is made with, in order."""
    from marsad.analyse import entities as entities_module

    made = []
    original = entities_module.EntityFinder.__init__

    def spy(self, gazetteer, tagger="packaged", entity_pieces=None):
        made.append(entity_pieces)
        original(self, gazetteer, tagger, entity_pieces)

    monkeypatch.setattr(entities_module.EntityFinder, "__init__", spy)
    return made


def test_entity_pieces_chooses_how_much_the_encoder_reads(tmp_path, budgets):
    """--entity-pieces reaches the finder: 0 is the CRF alone; a bad value is one line naming the option."""
    texts = tmp_path / "texts.jsonl"
    texts.write_text(json.dumps({"id": "a", "text": "Mark Milley met Valery Gerasimov in Helsinki.", "language": "en"}) + "\n", encoding="utf-8")
    for pieces in ("0", "-1", "64"):
        result = CliRunner().invoke(cli, ["entities", "--json", "--entity-pieces", pieces, str(texts)])
        assert result.exit_code == 0
        people = {e["text"] for e in json.loads(result.stdout)["entities"] if e["kind"] == "person"}
        assert people == {"Mark Milley", "Valery Gerasimov"}
    assert budgets == [0, -1, 64]
    result = CliRunner().invoke(cli, ["entities", "--entity-pieces", "-5", str(texts)])
    assert result.exit_code == 2 and "--entity-pieces" in result.output and "Traceback" not in result.output


def test_entities_read_standard_input_and_gzip_and_refuse_a_bad_text_alone(tmp_path):
    import gzip

    lines = [json.dumps({"id": "en", "text": "Mark Milley met Valery Gerasimov in Helsinki."}), '{"id": "bad", "text": "\\ud800 x"}',
             json.dumps({"id": "ar", "text": "التقى مارك ميلي فاليري جيراسيموف في هلسنكي"}, ensure_ascii=False)]
    content = "\n".join(lines) + "\n"
    (tmp_path / "texts.jsonl.gz").write_bytes(gzip.compress(content.encode("utf-8")))
    (tmp_path / "texts.gz").write_bytes(gzip.compress(content.encode("utf-8")))  # JSON Lines by content
    for args, given in (([str(tmp_path / "texts.jsonl.gz")], None), ([str(tmp_path / "texts.gz")], None), (["-"], content)):
        result = CliRunner().invoke(cli, ["entities", "--json", "--entity-pieces", "0", *args], input=given)
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        assert ":2: field 'text' holds a lone surrogate U+D800" in result.stderr
        found = [json.loads(line) for line in result.stdout.splitlines()]
        assert [line["id"] for line in found] == ["en", "ar"]
        assert all("person:JRSMF" in {e["id"] for e in line["entities"]} for line in found)


def test_compare_of_two_files_reads_them_with_the_entity_encoder_unless_told_otherwise(budgets):
    from tests.conftest import PAGE_REUTERS

    for options, expected in (([], -1), (["--entity-pieces", "0"], 0)):
        budgets.clear()
        result = CliRunner().invoke(cli, ["compare", "--json", "--encoder", "hashing", *options, str(PAGE_WASHINGTON), str(PAGE_REUTERS)])
        assert result.exit_code == 0, result.output
        assert budgets and set(budgets) == {expected}
        assert json.loads(result.stdout)["evidence"]["shared"]["people"]


def test_gzipped_json_lines_on_standard_input_are_read_as_the_file_is(tmp_path):
    import gzip

    content = json.dumps({"id": "en", "text": "Mark Milley met Valery Gerasimov in Helsinki."}) + "\n"
    piped = CliRunner().invoke(cli, ["entities", "--json", "--entity-pieces", "0", "-"], input=gzip.compress(content.encode()))
    assert piped.exit_code == 0, piped.output
    assert [line["id"] for line in map(json.loads, piped.stdout.splitlines())] == ["en"]


def test_a_record_without_an_id_is_named_by_where_it_stands(tmp_path):
    texts = tmp_path / "texts.jsonl"
    texts.write_text(json.dumps({"id": 2, "text": "Mark Milley met Valery Gerasimov."}) + "\n" + json.dumps({"text": "Milley met Gerasimov in Helsinki."}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["entities", "--json", "--entity-pieces", "0", str(texts)])
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [2, f"{texts}:2"]  # not 2 twice
