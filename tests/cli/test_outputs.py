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


# --- issue 22: a FIFO nobody reads, outputs over inputs, the one folder rule ---------


def test_a_fifo_nobody_reads_is_refused_not_waited_on(tmp_path, monkeypatch):
    import riskgraph.io.atomic as atomic

    monkeypatch.setattr(atomic, "FIFO_GRACE", 0.0)
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / "riskgraph.nt")
    done = []

    def write():  # what build -o DIR does with its three files
        try:
            write_files([(out / "riskgraph.ttl", lambda h: h.write(b"t")),
                         (out / "riskgraph.nt", lambda h: h.write(b"n"))])
        except InputError as exc:
            done.append(exc)

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    thread.join(60)
    assert not thread.is_alive(), "blocked on the FIFO"
    assert done and "nobody reads" in done[0].message
    assert sorted(p.name for p in out.iterdir()) == ["riskgraph.nt"]  # nothing else written


def _contribution(path: Path) -> Path:
    path.write_text("@prefix risk: <https://w3id.org/riskgraph/ns#> .\n")
    return path


@pytest.mark.parametrize("link", ["same", "symlink", "hardlink"])
def test_graph_refuses_to_overwrite_its_data(tmp_path, run_cli, link):
    mine = _contribution(tmp_path / "mine.ttl")
    out = mine
    if link == "symlink":
        out = tmp_path / "out.html"
        out.symlink_to(mine)
    elif link == "hardlink":
        out = tmp_path / "out.html"
        os.link(mine, out)
    before = mine.read_text()
    result = run_cli("graph", "--data", str(mine), "-o", str(out))
    assert result.exit_code == 2 and "would overwrite an input file" in result.output
    assert mine.read_text() == before


def test_query_refuses_to_overwrite_its_query_file(tmp_path, run_cli):
    q = tmp_path / "q.rq"
    q.write_text("SELECT * WHERE { ?s ?p ?o } LIMIT 1\n")
    result = run_cli("query", "--file", str(q), "-o", str(q))
    assert result.exit_code == 2 and "would overwrite an input file" in result.output
    assert q.read_text().startswith("SELECT")


def test_build_refuses_to_overwrite_its_data(tmp_path, run_cli):
    out = tmp_path / "out"
    out.mkdir()
    mine = _contribution(out / "riskgraph.ttl")
    result = run_cli("build", "-o", str(out), "--data", str(mine))
    assert result.exit_code == 2 and "would overwrite an input file" in result.output
    assert mine.read_text().startswith("@prefix")


def test_a_folder_output_may_not_hold_an_input(tmp_path, run_cli):
    from riskgraph.serve.site import MARKER

    site = tmp_path / "site"
    site.mkdir()
    (site / MARKER).write_text("{}")
    mine = _contribution(site / "mine.ttl")
    result = run_cli("site", "-o", str(site), "--data", str(mine))
    assert result.exit_code == 2 and "holds the input file" in result.output
    assert mine.is_file()
    store = tmp_path / "store"
    store.mkdir()
    (store / "riskgraph-store.json").write_text("{}")
    inside = _contribution(store / "mine.ttl")
    result = run_cli("build", "-o", str(tmp_path / "o"), "--store", str(store),
                     "--data", str(inside))
    assert result.exit_code == 2 and "holds the input file" in result.output


def test_import_nexus_refuses_a_folder_it_did_not_make(tmp_path, run_cli):
    wheel = tmp_path / "nexus.whl"
    wheel.write_bytes(b"not read")
    folder = tmp_path / "thesis"
    folder.mkdir()
    (folder / "thesis.tex").write_text("\\chapter{One}\n")
    result = run_cli("import", "nexus", "--from", str(wheel), "-o", str(folder))
    assert result.exit_code == 2
    assert "not a riskgraph import" in result.output
    assert (folder / "thesis.tex").read_text() == "\\chapter{One}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nexus.whl", "thesis"]


def test_import_nexus_refuses_an_output_folder_holding_its_source(tmp_path, run_cli):
    folder = tmp_path / "unpacked"
    folder.mkdir()
    (folder / "IMPORT-REPORT.md").write_text("# an earlier import\n")
    result = run_cli("import", "nexus", "--from", str(folder), "-o", str(folder))
    assert result.exit_code == 2 and "holds the input file" in result.output


def test_the_one_folder_writer(tmp_path):
    from riskgraph.io.atomic import new_folder

    target = tmp_path / "made"
    with new_folder(target, "MARK") as fresh:
        (fresh / "MARK").write_text("1")
        (fresh / "a").write_text("a")
    assert sorted(p.name for p in target.iterdir()) == ["MARK", "a"]
    with new_folder(target, "MARK") as fresh:  # riskgraph's own: replaced
        (fresh / "MARK").write_text("2")
    assert sorted(p.name for p in target.iterdir()) == ["MARK"]
    with pytest.raises(RuntimeError), new_folder(target, "MARK") as fresh:
        (fresh / "MARK").write_text("3")
        raise RuntimeError("interrupted")
    assert (target / "MARK").read_text() == "2"  # as it was, nothing left beside it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["made"]
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("x")
    link = tmp_path / "link"
    link.symlink_to(target)
    for refused in (foreign, link, tmp_path / "link"):
        with pytest.raises(InputError), new_folder(refused, "MARK") as fresh:
            (fresh / "MARK").write_text("4")
    assert (foreign / "thesis.tex").read_text() == "x" and link.is_symlink()
