"""Special files among the inputs: named and skipped, never waited on; link cycles not walked; broken WARC reported."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from marsad.errors import InputError, MalformedInput
from marsad.ingest import read_paths
from marsad.models import RawPage

PAGE = "Talks in the capital\n\n" + "The ministers met for six hours in the capital and agreed to meet again next month. " * 3


def _layout(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(PAGE, encoding="utf-8")
    (folder / "sub" / "b.txt").write_text(PAGE.replace("six", "seven"), encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    os.symlink(folder, folder / "sub" / "loop")  # a link to a folder above itself
    return folder


def test_a_fifo_among_the_inputs_is_named_and_clean_goes_on(tmp_path):
    folder = _layout(tmp_path)
    command = [sys.executable, "-m", "marsad", "clean", str(folder / "pipe.txt"), str(folder / "a.txt"), str(folder), "--json", "--encoder", "hashing"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=tmp_path, check=False)  # the FIFO hung here before
    assert result.returncode == 1
    assert len(result.stdout.splitlines()) == 3  # a.txt twice, sub/b.txt once; the loop not walked
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 2 and all("pipe.txt: a FIFO, not a regular file: skipped" in line for line in errors), result.stderr


def test_a_recursive_glob_does_not_follow_a_link_cycle(tmp_path):
    folder = _layout(tmp_path)
    (folder / "pipe.txt").unlink()
    items = list(read_paths([str(folder / "**" / "*.txt")]))
    assert sorted(item.source for item in items) == [str(folder / "a.txt"), str(folder / "sub" / "b.txt")]
    assert all(isinstance(item, RawPage) for item in items)


def test_sockets_and_unlistable_folders_are_named_and_the_rest_read(tmp_path, monkeypatch):
    folder = _layout(tmp_path)
    (folder / "pipe.txt").unlink()
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "live.sock"))
    real_scandir = os.scandir

    def scandir(path):  # the tests run as root, who can list any folder: refuse one as a user would be
        if str(path).endswith("sub"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    try:
        items = list(read_paths([folder, tmp_path / "missing.txt"]))
    finally:
        server.close()
    errors = {item.source: str(item) for item in items if isinstance(item, InputError)}
    assert [item.source for item in items if isinstance(item, RawPage)] == [str(folder / "a.txt")]
    assert "a socket, not a regular file" in errors[str(folder / "live.sock")]
    assert "cannot read the folder" in errors[str(folder / "sub")]
    assert "no such file" in errors[str(tmp_path / "missing.txt")]


def test_a_warc_that_is_garbage_after_its_first_line_is_reported(tmp_path):
    path = tmp_path / "bad.warc"
    path.write_bytes(b"WARC/1.0\r\n\x00\x01garbage \xff\xfe and more junk\n\n\n")
    [item] = list(read_paths([path]))
    assert isinstance(item, MalformedInput) and "no WARC-Type" in str(item)
