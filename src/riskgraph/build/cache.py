"""A cache of the built graph, keyed by the content of the bundled files.

The query path reads the cached N-Triples instead of reasoning at every call;
this module imports nothing heavy so that ``riskgraph query`` starts fast. For
the same reason the content hash of the bundled files is remembered against
their ``stat`` (size, mtime, ctime, inode): they are read again only when it changes.

The cached graph carries its own integrity record (``integrity.json``: size,
sha256 and triple count), written in the same all-or-nothing step as the graph.
A graph that does not match its record (truncated, emptied, edited) is rebuilt,
with a note. A cache directory that cannot be written does not stop a command:
the graph is built into a temporary directory, removed at exit, with a note.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path

from riskgraph import __version__, resources

CACHED_NAME = "riskgraph.nt"
INTEGRITY_NAME = "integrity.json"
STAT_MEMO = "fingerprints.json"
MEMO_SIZE = 16
# A file changed this recently may change again within its timestamp's granularity
# without its stat changing, so its stat is not trusted yet (git's "racily clean").
RACY_NS = 2_000_000_000


def cache_root() -> Path:
    configured = os.environ.get("RISKGRAPH_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "riskgraph"


def bundle_files() -> list[Path]:
    onto = resources.ontology_dir()
    files = [resources.core_ontology()]
    if resources.alignments_file().exists():
        files.append(resources.alignments_file())
    return files + resources.data_files() + sorted(onto.glob("shapes*.ttl"))


def content_fingerprint(files: list[Path]) -> str:
    import hashlib

    digest = hashlib.sha256(__version__.encode())
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def fingerprint(extra: list[Path] | None = None) -> str:
    """The content hash of the bundled files (and ``extra``), via the stat memo."""
    files = bundle_files() + list(extra or [])
    stats = [(str(p), s.st_size, s.st_mtime_ns, s.st_ctime_ns, s.st_ino)
             for p, s in ((p, p.stat()) for p in files)]
    key = json.dumps([__version__, stats])
    memo_path = cache_root() / STAT_MEMO
    from riskgraph.errors import InputError
    from riskgraph.io.files import read_bytes

    try:
        memo = json.loads(read_bytes(memo_path, 1024 * 1024))
    except (InputError, ValueError):
        memo = {}
    if not isinstance(memo, dict):
        memo = {}
    value = memo.get(key)
    if isinstance(value, str):
        return value
    value = content_fingerprint(files)
    newest = max((max(s[2], s[3]) for s in stats), default=0)
    if time.time_ns() - newest > RACY_NS:
        memo[key] = value
        _write_memo(memo_path, dict(list(memo.items())[-MEMO_SIZE:]))
    return value


def _write_memo(path: Path, memo: dict) -> None:
    from riskgraph.errors import InputError
    from riskgraph.io.atomic import write_text_atomic

    with contextlib.suppress(OSError, InputError):  # an unwritable cache only costs speed
        write_text_atomic(path, json.dumps(memo))


_DAMAGED: dict[Path, str] = {}


def cached_graph_path() -> Path:
    """Where the built graph is cached. A cached graph that does not match its
    integrity record is removed here (and the reason kept for ``ensure_cached_graph``
    to note), so that nothing, not even a worker started early, loads it."""
    path = cache_root() / fingerprint() / CACHED_NAME
    if path not in _DAMAGED and path.exists():
        problem = integrity_problem(path)
        if problem is not None:
            _DAMAGED[path] = problem
            for name in (CACHED_NAME, INTEGRITY_NAME):
                with contextlib.suppress(OSError):
                    (path.parent / name).unlink()
        else:
            _DAMAGED[path] = ""
    return path


def integrity_problem(path: Path, *, full: bool = True) -> str | None:
    """Why the cached graph at ``path`` cannot be trusted, or None if it matches its record.

    ``full`` also compares the sha256 (reads the whole file); otherwise only the size.
    """
    from riskgraph.errors import InputError
    from riskgraph.io.files import read_bytes

    try:
        record = json.loads(read_bytes(path.parent / INTEGRITY_NAME, 64 * 1024))
        size, digest, triples = record["bytes"], record["sha256"], record["triples"]
    except (InputError, ValueError, KeyError, TypeError):
        return "its integrity record is missing or unreadable"
    try:
        info = path.stat()
    except OSError:
        return "the graph file is missing"
    if info.st_size != size:
        return f"it holds {info.st_size:,} bytes where {size:,} were written"
    if not triples:
        return "it holds no triples"
    if full:
        import hashlib

        try:
            actual = hashlib.sha256(read_bytes(path, size + 1)).hexdigest()
        except InputError as exc:
            return exc.message
        if actual != digest:
            return "its content does not match its sha256"
    return None


def cached_triple_count(path: Path) -> int | None:
    """The triple count in the integrity record of the cached graph at ``path``."""
    try:
        return int(json.loads((path.parent / INTEGRITY_NAME).read_bytes())["triples"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _note(text: str) -> None:
    import sys

    print(f"note: {text}", file=sys.stderr)


def write_cached_graph(path: Path, data: bytes, triples: int) -> Path:
    """Write the N-Triples ``data`` and its integrity record, all or nothing."""
    import hashlib

    from riskgraph.io.atomic import write_files

    record = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
              "triples": triples}
    text = (json.dumps(record, indent=2) + "\n").encode("utf-8")
    write_files([(path, lambda handle: handle.write(data)),
                 (path.parent / INTEGRITY_NAME, lambda handle: handle.write(text))])
    return path


_FALLEN_BACK: dict[Path, Path] = {}  # cache path that could not be written -> the copy


def _fallback_dir() -> Path:
    """A private temporary directory for the graph, removed when the process exits."""
    import atexit
    import shutil
    import tempfile

    directory = Path(tempfile.mkdtemp(prefix="riskgraph-cache-"))
    atexit.register(shutil.rmtree, directory, True)
    return directory


def ensure_cached_graph() -> Path:
    """The built (asserted + inferred) graph as N-Triples, building it on a miss.

    A cached graph that does not match its integrity record is rebuilt (with a
    note on stderr). Raises ``CheckFailed`` when the bundled data is inconsistent.
    """
    from riskgraph.errors import InputError

    path = cached_graph_path()
    if path in _FALLEN_BACK and _FALLEN_BACK[path].is_file():  # built once this process
        return _FALLEN_BACK[path]
    problem = _DAMAGED.get(path)  # checked by cached_graph_path ("" when sound)
    if path.exists() and not problem:
        return path
    if problem:
        _note(f"the cached graph {path} was damaged ({problem}); rebuilding it")
    data, triples = _build_ntriples()
    _DAMAGED.pop(path, None)  # noted once; what is written now is checked afresh
    try:
        return write_cached_graph(path, data, triples)
    except InputError as exc:
        fallback = _fallback_dir() / CACHED_NAME
        _note(f"cannot write the cache ({exc.message}: {exc.file}); using a temporary copy "
              f"of the graph (set RISKGRAPH_CACHE to a writable directory to keep it)")
        _FALLEN_BACK[path] = write_cached_graph(fallback, data, triples)
        return _FALLEN_BACK[path]


def remember_built_graph(data: bytes, triples: int) -> Path | None:
    """Keep a graph just built from the bundled files (N-Triples ``data``) as the cache,
    unless a sound one is there, so that the queries after a build do not build again.
    Never raises: a cache that cannot be written is only a missed shortcut."""
    from riskgraph.errors import InputError

    try:
        path = cached_graph_path()
        if path.exists() and not _DAMAGED.get(path):
            return path
        _DAMAGED.pop(path, None)
        return write_cached_graph(path, data, triples)
    except (InputError, OSError):
        return None


def _build_ntriples() -> tuple[bytes, int]:
    from riskgraph.build.pipeline import build
    from riskgraph.errors import CheckFailed

    result = build(None)
    if not result.ok:
        problems = [str(c) for c in result.reasoning.clashes] + [str(u) for u in result.undeclared]
        raise CheckFailed("the bundled ontology and data do not pass their checks: "
                          + "; ".join(problems or ["inconsistent"]))
    graph = result.graph
    assert graph is not None  # build() always returns the graph it built
    return graph.serialize(format="nt", encoding="utf-8"), len(graph)
