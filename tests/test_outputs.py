"""Outputs (issue 10, cases 4, 11, 12): only regular files are replaced, atomically;
links are written through, devices and pipes written to; multi-file outputs are
all-or-nothing; files get the umask. Each test failed on the code before the fix."""

from __future__ import annotations

import os
import socket
import stat
import threading
from pathlib import Path

import pytest

from riskgraph.errors import InputError
from riskgraph.io.atomic import write_files, write_text_atomic


def test_a_link_to_a_regular_file_is_written_through(tmp_path):
    target = tmp_path / "target.txt"
    target.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to("target.txt")
    write_text_atomic(link, "new")
    assert link.is_symlink() and os.readlink(link) == "target.txt"
    assert target.read_text() == "new"


def test_a_fifo_is_written_to_not_replaced(tmp_path):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_text_atomic(fifo, "through the pipe")
    reader.join(10)
    assert got == [b"through the pipe"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_character_device_is_written_to_not_replaced():
    # Checked through the plan, not by writing: code that replaced devices would,
    # run as root, replace the machine's /dev/null.
    from riskgraph.io.atomic import check_target

    target = check_target(Path("/dev/null"))
    assert target.stream and target.real == Path("/dev/null")


@pytest.mark.parametrize("kind", ["directory", "socket", "dangling", "loop"])
def test_anything_else_is_refused(tmp_path, kind):
    path = tmp_path / "out.txt"
    if kind == "directory":
        path.mkdir()
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
    elif kind == "dangling":
        path.symlink_to(tmp_path / "nowhere" / "x")
    else:
        path.symlink_to("out.txt")
    before = os.lstat(path)
    with pytest.raises(InputError):
        write_text_atomic(path, "x")
    assert os.lstat(path).st_ino == before.st_ino
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_new_files_get_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        path = write_text_atomic(tmp_path / "report.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_several_files_appear_all_or_none(tmp_path):
    (tmp_path / "b.nt").write_text("old b")

    def boom(handle):
        handle.write(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_files([(tmp_path / "a.ttl", lambda h: h.write(b"a")),
                     (tmp_path / "b.nt", lambda h: h.write(b"b")),
                     (tmp_path / "c.jsonld", boom)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.nt"]
    assert (tmp_path / "b.nt").read_text() == "old b"


def test_a_bad_target_is_refused_before_any_file_is_written(tmp_path):
    (tmp_path / "c.jsonld").mkdir()
    with pytest.raises(InputError):
        write_files([(tmp_path / "a.ttl", lambda h: h.write(b"a")),
                     (tmp_path / "c.jsonld", lambda h: h.write(b"c"))])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.jsonld"]


def test_an_unwritable_output_is_a_message(tmp_path, run_cli):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run_cli("query", "graph_summary", "-o", str(blocker / "out.csv"))
    assert result.exit_code == 2
    assert "cannot write here" in result.output and "unexpected" not in result.output


def test_build_refuses_a_foreign_store_before_writing_anything(tmp_path, run_cli):
    store = tmp_path / "notastore"
    store.mkdir()
    (store / "keep.txt").write_text("mine")
    result = run_cli("build", "-o", str(tmp_path / "out"), "--store", str(store))
    assert result.exit_code == 2
    assert not (tmp_path / "out").exists()
    assert sorted(p.name for p in store.iterdir()) == ["keep.txt"]


def test_build_refuses_a_bad_output_before_the_work(tmp_path, run_cli):
    out = tmp_path / "out"
    out.mkdir()
    (out / "riskgraph.nt").mkdir()
    result = run_cli("build", "-o", str(out))
    assert result.exit_code == 2 and "reasoner:" not in result.output
    assert sorted(p.name for p in out.iterdir()) == ["riskgraph.nt"]


def test_build_writes_its_files_and_store_together(tmp_path, run_cli):
    out, store = tmp_path / "out", tmp_path / "store"
    result = run_cli("build", "-o", str(out), "--format", "nt", "--store", str(store))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["riskgraph.nt"]
    assert store.is_dir()
    assert not list(tmp_path.rglob("*.tmp"))
