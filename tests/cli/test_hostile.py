"""Every command that reads files, run over the hostile corpus.

tests/hostile/ holds one file per way a contribution can try to make riskgraph
fetch, read, hang, crash or write where it should not (see tests/hostile/README.md);
a few more cases (a FIFO, /dev/zero, a symbolic link loop, a directory) are
made here. For every command and file this asserts: the exit code is 0, 1 or 2;
no traceback; no control character from the input in the output; no request
reached the loopback listener the files point at; no local file they point at was
opened (they are FIFOs: opening one would hang the command past its time limit);
no file outside the output target changed; no temporary file left in the private
TMPDIR; no process left behind.

Every command goes through the one loader, so the files the loader refuses run
in-process (click's runner, with the same private TMPDIR, working directory and tag);
one real process per command runs the files riskgraph loads (its full path: the
store's and HermiT's child processes, the output writers, exit codes as a shell sees
them).
"""

from __future__ import annotations

import errno
import hashlib
import http.server
import os
import subprocess
import sys
import tempfile
import threading
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from processes import tagged

CORPUS = Path(__file__).parents[1] / "hostile"
TIME_LIMIT = 240  # seconds per command; a command that opened a sentinel FIFO hangs past it


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Records every request; answers 201 to uploads (the push endpoint), 404 otherwise."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.requests.append((self.command, self.path, body))
        self.send_response(201 if self.command in ("PUT", "POST") else 404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD = do_PUT = do_POST = _answer

    def log_message(self, *args) -> None:
        pass


def _listener() -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.requests = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _snapshot(root: Path, skip: Path) -> dict[str, str]:
    seen = {}
    for path in sorted(root.rglob("*")):
        if path == skip or skip in path.parents:
            continue
        if path.is_symlink() or not path.is_file():
            seen[str(path)] = "link" if path.is_symlink() else "other"
        else:
            seen[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return seen


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from riskgraph.build.cache import ensure_cached_graph

    ensure_cached_graph()  # warm: the commands share the session's cache, read-only
    root = tmp_path_factory.mktemp("hostile")
    work, outputs = root / "work", root / "outputs"
    work.mkdir()
    outputs.mkdir()
    hostile, upload = _listener(), _listener()
    sentinel = root / "sentinel"  # what file:// IRIs in the corpus point at
    for fifo in (sentinel, work / "sentinel-context.jsonld", work / "sentinel.owl"):
        os.mkfifo(fifo)
    for source in sorted(CORPUS.iterdir()):
        if source.name == "README.md":
            continue
        data = source.read_bytes()
        data = data.replace(b"__PORT__", str(hostile.server_port).encode())
        data = data.replace(b"file://__SENTINEL__", sentinel.as_uri().encode())
        (work / source.name).write_bytes(data)
    os.mkfifo(work / "fifo.ttl")
    os.symlink("/dev/zero", work / "zero.ttl")
    os.symlink("loop-b.ttl", work / "loop-a.ttl")
    os.symlink("loop-a.ttl", work / "loop-b.ttl")
    os.symlink("nowhere.ttl", work / "dangling.ttl")
    (work / "directory.ttl").mkdir()
    files = sorted(p for p in work.iterdir() if not p.name.startswith("sentinel"))
    yield {"root": root, "work": work, "outputs": outputs, "files": files,
           "loadable": [f for f in files if _loads(f)],
           "hostile": hostile, "upload": upload, "sentinels": [sentinel,
           work / "sentinel-context.jsonld", work / "sentinel.owl"]}
    hostile.shutdown()
    upload.shutdown()


def _loads(path: Path) -> bool:
    """Whether riskgraph's loader accepts ``path`` (in this process: it fetches nothing
    either, which the listener and the sentinels would show)."""
    from riskgraph.errors import InputError
    from riskgraph.io.rdf import load_files

    try:
        load_files([path])
    except InputError:
        return False
    return True


def _argv(command: str, file: Path | list[Path], out: Path, upload_port: int) -> list[str]:
    files = file if isinstance(file, list) else [file]
    if command == "validate":
        return ["validate", "-o", str(out.with_suffix(".txt")), *map(str, files)]
    if command == "reason":
        return ["reason", *map(str, files)]
    data = [arg for f in files for arg in ("--data", str(f))]
    if command == "build":
        return ["build", "-o", str(out), "--format", "nt", *data]
    if command == "graph":
        return ["graph", "-o", str(out.with_suffix(".html")), *data]
    return ["push", "--endpoint", f"http://127.0.0.1:{upload_port}/gsp", "--file", str(files[0])]


def _in_process(runs: list[list[Path]], argv_for, seconds: float) -> list[tuple]:
    """Run each batch through the CLI in this process, one after the other, in a thread
    so that a command that opened a FIFO or a device shows as a time-out, not a hang."""
    from riskgraph.cli import cli

    results: list[tuple] = []

    def all_runs() -> None:
        for batch in runs:
            argv, report = argv_for(batch)
            result = CliRunner().invoke(cli, argv)
            output = result.output
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                output += "Traceback: " + repr(result.exception)
            if report is not None and report.is_file():
                output += report.read_text(encoding="utf-8")
            results.append((batch, result.exit_code, output))

    worker = threading.Thread(target=all_runs, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        done = {tuple(batch) for batch, _, _ in results}
        stuck = next(b for b in runs if tuple(b) not in done)
        results.append((stuck, None, "timed out (did it open a sentinel FIFO or a device?)"))
    return results


@pytest.mark.parametrize("command", ["validate", "reason", "build", "graph", "push"])
def test_hostile_corpus(world, command, tmp_path, monkeypatch):
    work, files = world["work"], world["files"]
    from riskgraph.resources import bundle_files

    def bundled() -> dict[str, str]:
        return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in bundle_files()}

    before, before_bundled = _snapshot(world["root"], world["outputs"]), bundled()
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    tag = uuid.uuid4().hex
    env = dict(os.environ, TMPDIR=str(tmpdir), RISKGRAPH_HOSTILE_TAG=tag,
               PYTHONUNBUFFERED="1")
    # validate reads each file on its own even in one call: one real process for all
    # the regular files, and the special ones (FIFO, device, link loop, directory) each
    # in-process. The others stop at the first file they refuse: each refused file runs
    # in-process, and one real process runs all the files riskgraph loads (reasoned with
    # HermiT: owl:imports). push takes one file: one real process for a file it uploads.
    loadable = world["loadable"]
    assert {"owl-imports-http.ttl", "owl-imports-file.ttl", "bom.ttl"} <= {
        f.name for f in loadable}
    special = [f for f in files if not f.is_file() or f.is_symlink()]
    if command == "validate":
        real, inside = [f for f in files if f not in special], [[f] for f in special]
    elif command == "push":
        real = [next(f for f in loadable if f.name == "bom.ttl")]
        inside = [[f] for f in files if f not in real]
    else:
        real, inside = loadable, [[f] for f in files if f not in loadable]
    upload_port = world["upload"].server_port

    def argv_for(batch: list[Path]) -> tuple[list[str], Path | None]:
        out = world["outputs"] / f"{command}-{batch[0].name}-{len(batch)}"
        report = out.with_suffix(".txt") if command == "validate" else None
        return _argv(command, batch, out, upload_port), report

    def real_process(batch: list[Path]) -> tuple:
        argv, report = argv_for(batch)
        try:
            done = subprocess.run([sys.executable, "-m", "riskgraph", *argv], cwd=work,
                                  env=env, capture_output=True, text=True,
                                  timeout=TIME_LIMIT, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return batch, None, "timed out (did it open a sentinel FIFO or a device?)"
        output = done.stdout + done.stderr
        if report is not None and report.is_file():
            output += report.read_text(encoding="utf-8")
        return batch, done.returncode, output

    monkeypatch.chdir(work)
    monkeypatch.setenv("TMPDIR", str(tmpdir))
    monkeypatch.setenv("RISKGRAPH_HOSTILE_TAG", tag)
    monkeypatch.setattr(tempfile, "tempdir", str(tmpdir))
    if command == "graph":
        # The refused files are read after the bundled graph, which is not what is under
        # test here (the real process below draws it): an empty one keeps each run short.
        from riskgraph.knowledge import KnowledgeGraph
        from riskgraph.page.triples import TripleIndex

        monkeypatch.setattr(KnowledgeGraph, "_page_graph",
                            lambda self: (TripleIndex.from_ntriples(b""), "test"))
    results = _in_process(inside, argv_for, TIME_LIMIT)
    results.append(real_process(real))

    problems = []
    for batch, code, output in results:
        name = ",".join(p.name for p in batch) if len(batch) < 5 else f"{len(batch)} files"
        if code not in (0, 1, 2):
            problems.append(f"{name}: exit {code}: {output[-600:]}")
        elif "Traceback" in output or "please report" in output:
            problems.append(f"{name}: {output[-1200:]}")
        elif "\x1b" in output or "\x07" in output:
            problems.append(f"{name}: a control character from the input reached the "
                            f"terminal: {output[-600:]!r}")
        elif command == "validate" and len(batch) > 1 and any(f.name not in output
                                                               for f in batch):
            problems.append(f"{name}: not every file is reported on: {output[-1200:]}")
    assert not problems, "\n".join(problems)
    assert len(results) == len(inside) + 1
    assert world["hostile"].requests == [], "a request reached the hostile listener"
    for sentinel in world["sentinels"]:
        with pytest.raises(OSError) as nobody:  # ENXIO: no process has it open for reading
            os.close(os.open(sentinel, os.O_WRONLY | os.O_NONBLOCK))
        assert nobody.value.errno == errno.ENXIO
    assert _snapshot(world["root"], world["outputs"]) == before
    assert bundled() == before_bundled
    assert list(tmpdir.iterdir()) == []
    assert tagged(tag) == []
    if command == "push":  # only files that parse were uploaded, never an empty graph
        uploaded = [body for method, _, body in world["upload"].requests if method == "PUT"]
        assert uploaded and all(body.strip() for body in uploaded)


def test_hostile_corpus_is_large_enough():
    assert len([p for p in CORPUS.iterdir() if p.name != "README.md"]) >= 40
