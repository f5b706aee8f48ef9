"""Story commands on a missing or foreign store: one clear line, no traceback."""

from __future__ import annotations

import sqlite3

from click.testing import CliRunner

from marsad.cli import cli


def test_missing_store_is_one_line(tmp_path):
    for args in (["stories"], ["story", "s1"], ["recluster"]):
        result = CliRunner().invoke(cli, [*args, "--db", str(tmp_path / "none.db")])
        assert result.exit_code != 0
        assert "none.db: no such store" in result.output and "Traceback" not in result.output


def test_foreign_database_is_one_line(tmp_path):
    path = tmp_path / "other.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE things (x)")
    db.commit()
    db.close()
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path), "--db", str(path), "--encoder", "hashing", "--workers", "0"])
    assert result.exit_code != 0 and "not a marsad store" in result.output and "Traceback" not in result.output


def test_empty_store_lists_nothing(tmp_path):
    from marsad.store import open_store

    open_store(tmp_path / "m.db").close()
    result = CliRunner().invoke(cli, ["stories", "--db", str(tmp_path / "m.db"), "--json"])
    assert result.exit_code == 0 and result.stdout == ""
