"""``marsad score-pairs``: JSON Lines and SemEval CSV in, one score line per pair out, bad lines reported."""

from __future__ import annotations

import json

from click.testing import CliRunner

from marsad.cli import cli
from marsad.models import Dimension

REPORT = {"title": "Generals meet in Helsinki", "text": "The two generals held talks for six hours in Helsinki on Wednesday.\nThey discussed the war.", "language": "en"}
OTHER = {"title": "Harvest festival opens", "text": "The annual harvest festival opened in the village square with music and food stalls.", "language": "en"}


def test_jsonl_batch_scores_every_good_line_and_reports_bad_ones(tmp_path, monkeypatch):
    from marsad.analyse import Analyser

    analysed_titles: list[str | None] = []
    original = Analyser.analyse_many

    def counting(self, articles):
        analysed_titles.extend(article.title for article in articles)
        return original(self, articles)

    monkeypatch.setattr(Analyser, "analyse_many", counting)
    pairs = tmp_path / "pairs.jsonl"
    lines = [
        json.dumps({"id": "same", "a": REPORT, "b": REPORT}),
        "{not json",
        json.dumps({"id": 7, "a": REPORT, "b": OTHER}),
        json.dumps({"id": "no-b", "a": REPORT}),
        json.dumps({"id": "empty", "a": REPORT, "b": {"text": "  "}}),
        json.dumps({"id": "again", "a": OTHER, "b": REPORT}),
    ]
    pairs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["score-pairs", "--encoder", "hashing", str(pairs)])
    assert result.exit_code == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in out] == ["same", 7, "again"]
    assert all(list(line["scores"]) == [d.value for d in Dimension] for line in out)
    assert all(1.0 <= value <= 4.0 for line in out for value in line["scores"].values())
    assert out[0]["scores"]["overall"] < out[1]["scores"]["overall"]
    assert out[1]["scores"] == out[2]["scores"] or abs(out[1]["scores"]["overall"] - out[2]["scores"]["overall"]) < 0.5
    assert sorted(analysed_titles) == sorted([REPORT["title"], OTHER["title"]])  # each article analysed once
    assert f"{pairs}:2: not valid JSON" in result.stderr
    assert f"{pairs}:4: expected an object" in result.stderr
    assert f"{pairs}:5:" in result.stderr and '"b" has no text' in result.stderr
    assert "Traceback" not in result.output


def test_semeval_csv_with_article_files(tmp_path):
    folder = tmp_path / "articles" / "11"
    folder.mkdir(parents=True)
    (folder / "1011.json").write_text(json.dumps({"title": REPORT["title"], "text": REPORT["text"], "publish_date": "2021-03-03T10:00:00"}), encoding="utf-8")
    (folder / "2011.json").write_text(json.dumps({"title": OTHER["title"], "text": OTHER["text"]}), encoding="utf-8")
    table = tmp_path / "pairs.csv"
    table.write_text("pair_id,url1_lang,url2_lang,Overall\n1011_2011,en,en,4\n1011_1011,en,en,1\n1011_3011,en,en,4\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["score-pairs", "--json", "--encoder", "hashing", str(table)])
    assert result.exit_code == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in out] == ["1011_2011", "1011_1011"]
    assert out[1]["scores"]["overall"] < out[0]["scores"]["overall"]
    assert f"{table}:4: no article file 3011.json" in result.stderr


def test_unreadable_input_is_one_line(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    result = CliRunner().invoke(cli, ["score-pairs", "--encoder", "hashing", str(empty)])
    assert result.exit_code == 1 and f"{empty}: empty file" in result.stderr and "Traceback" not in result.output
