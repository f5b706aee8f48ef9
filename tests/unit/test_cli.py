"""The command line: every command has help, JSON output keeps its keys, bad files are reported in one line."""

from __future__ import annotations

import json

from click.testing import CliRunner

from marsad.cli import cli
from tests.conftest import PAGE_REUTERS, PAGE_WASHINGTON


def test_every_command_has_help():
    runner = CliRunner()
    for name, command in cli.commands.items():
        assert command.help, f"{name} has no help"
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output


def test_clean_json_lines_and_bad_file(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    result = CliRunner().invoke(cli, ["clean", "--json", "--encoder", "hashing", str(PAGE_WASHINGTON), str(bad), str(PAGE_REUTERS)])
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["agency"] for line in lines] == [None, "رويترز"]
    assert set(lines[0]) >= {"source", "title", "dateline", "agency", "published", "language", "captions", "paragraphs"}
    assert f"{bad}: empty file" in result.stderr
    assert "Traceback" not in result.output


def test_compare_json(tmp_path):
    result = CliRunner().invoke(cli, ["compare", "--json", "--encoder", "hashing", str(PAGE_WASHINGTON), str(PAGE_REUTERS)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data["scores"]) == {"overall", "geography", "entities", "time", "narrative", "style", "tone"}


def test_demo_runs_with_stand_in():
    result = CliRunner().invoke(cli, ["demo", "--encoder", "hashing"])
    assert result.exit_code == 0, result.output
    assert "هلسنكي" in result.output


def test_one_side_facts_align_by_their_own_script():
    from marsad.cli._output import _fact

    assert _fact({"kind": "quantity", "text": "عامين"}).justify == "right"  # the English kind does not decide
    assert _fact({"kind": "quantity", "text": "6 hours"}).justify == "left"
    assert _fact({"kind": "place", "text": "هلسنكي"}).plain == "place: هلسنكي"
