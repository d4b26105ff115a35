"""A cache of the built graph, keyed by the content of the bundled files.

The query path reads the cached N-Triples instead of reasoning at every call;
this module imports nothing heavy so that ``riskgraph query`` starts fast. For
the same reason the content hash of the bundled files is remembered against
their ``stat`` (size, mtime, ctime, inode): they are read again only when it changes.

The cache of one fingerprint is a directory, written whole beside its final place
and renamed into it (all or nothing): the graph as N-Triples, the same graph as an
on-disk pyoxigraph store (``store/``, which a cold query opens read-only in a few
milliseconds instead of parsing the N-Triples) and its integrity record
(``integrity.json``: size, sha256 and triple count of the N-Triples, size and sha256
of each file of the store). A directory in place is never written again, so a reader
never sees a store being written; writers take a lock file, and a sound directory is
never replaced. A graph that does not match its record (truncated, emptied, edited) is
rebuilt, with a note. A cache directory that cannot be written does not stop a command:
the graph is built into a temporary directory, removed at exit, with a note.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path

from riskgraph import resources
from riskgraph.version import __version__

CACHED_NAME = "riskgraph.nt"
INTEGRITY_NAME = "integrity.json"
STORE_NAME = "store"  # the on-disk copy of the graph, beside CACHED_NAME
# Part of the fingerprint: a cache directory written by an older layout is not reused.
CACHE_LAYOUT = "nt+store"
STAT_MEMO = "fingerprints.json"
VERIFIED_MEMO = "verified.json"  # cache directories whose sha256 matched, by their files' stat
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

    digest = hashlib.sha256(f"{__version__} {CACHE_LAYOUT}".encode())
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def fingerprint(extra: list[Path] | None = None) -> str:
    """The content hash of the bundled files (and ``extra``), via the stat memo."""
    files = bundle_files() + list(extra or [])
    stats = [(str(p), s.st_size, s.st_mtime_ns, s.st_ctime_ns, s.st_ino)
             for p, s in ((p, p.stat()) for p in files)]
    key = json.dumps([__version__, CACHE_LAYOUT, stats])
    memo_path = cache_root() / STAT_MEMO

    memo = _read_memo(memo_path)
    value = memo.get(key)
    if isinstance(value, str):
        return value
    value = content_fingerprint(files)
    newest = max((max(s[2], s[3]) for s in stats), default=0)
    if time.time_ns() - newest > RACY_NS:
        memo[key] = value
        _write_memo(memo_path, dict(list(memo.items())[-MEMO_SIZE:]))
    return value


def _read_memo(path: Path) -> dict:
    from riskgraph.errors import InputError
    from riskgraph.io.files import read_bytes

    try:
        memo = json.loads(read_bytes(path, 1024 * 1024))
    except (InputError, ValueError):
        return {}
    return memo if isinstance(memo, dict) else {}


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
        if problem is not None and _remove_damaged(path):
            _DAMAGED[path] = problem
        else:
            _DAMAGED[path] = ""
    return path


def sound_cached_graph() -> Path | None:
    """The cached graph if it is there and matches its integrity record, else None
    (never builds)."""
    path = cached_graph_path()
    return path if path.is_file() and not _DAMAGED.get(path) else None


def cached_store_dir(path: Path) -> Path:
    """The on-disk store beside the cached graph ``path`` (checked with it)."""
    return path.parent / STORE_NAME


def _remove_damaged(path: Path) -> bool:
    """Remove the damaged cache directory of ``path``, unless another process has
    replaced it with a sound one meanwhile (False then)."""
    with contextlib.suppress(OSError), _locked(path.parent):
        if integrity_problem(path) is None:
            return False
        _move_aside_and_remove(path.parent)
    return True


def integrity_problem(path: Path, *, full: bool = True) -> str | None:
    """Why the cached graph at ``path`` (and the store beside it) cannot be trusted,
    or None if they match their record.

    ``full`` also compares the sha256 of every file (reads them); otherwise only sizes.
    """
    from riskgraph.errors import InputError
    from riskgraph.io.files import read_bytes

    try:
        record = json.loads(read_bytes(path.parent / INTEGRITY_NAME, 64 * 1024))
        size, digest, triples = record["bytes"], record["sha256"], record["triples"]
        store = {str(name): (int(entry[0]), str(entry[1]))
                 for name, entry in record["store"].items()}
    except (InputError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return "its integrity record is missing or unreadable"
    files = [(path, size, digest, "the graph file")]
    files += [(cached_store_dir(path) / name, size_, digest_, f"the store's file {name}")
              for name, (size_, digest_) in sorted(store.items())]
    stats = []
    for file, expected, _, what in files:
        try:
            info = file.stat()
        except OSError:
            return f"{what} is missing"
        if info.st_size != expected:
            return f"{what} holds {info.st_size:,} bytes where {expected:,} were written"
        stats.append((file.name, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino))
    if not triples:
        return "it holds no triples"
    try:
        present = {p.name for p in cached_store_dir(path).iterdir()}
    except OSError:
        return "its store is missing"
    if not store or present != set(store):
        return "its store's files are not those written"
    if full:
        try:
            info = (path.parent / INTEGRITY_NAME).stat()
        except OSError:
            return "its integrity record is missing or unreadable"
        stats.append((INTEGRITY_NAME, info.st_size, info.st_mtime_ns, info.st_ctime_ns,
                      info.st_ino))
        key = json.dumps(stats)
        memo_path = path.parent.parent / VERIFIED_MEMO
        memo = _read_memo(memo_path)
        if memo.get(str(path.parent)) == key:  # hashed before, and not touched since
            return None
        for file, expected, digest_, what in files:
            try:
                actual_digest = _sha256(read_bytes(file, expected + 1))
            except InputError as exc:
                return exc.message
            if actual_digest != digest_:
                return f"the content of {what} does not match its sha256"
        newest = max(max(s[2], s[3]) for s in stats)
        if time.time_ns() - newest > RACY_NS:  # see fingerprint(): trust only an old stat
            memo.pop(str(path.parent), None)
            memo[str(path.parent)] = key
            _write_memo(memo_path, dict(list(memo.items())[-MEMO_SIZE:]))
    return None


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def cached_triple_count(path: Path) -> int | None:
    """The triple count in the integrity record of the cached graph at ``path``."""
    try:
        return int(json.loads((path.parent / INTEGRITY_NAME).read_bytes())["triples"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _note(text: str) -> None:
    import sys

    print(f"note: {text}", file=sys.stderr)


def write_cached_graph(path: Path, data: bytes, triples: int, *,
                       keep_sound: bool = False) -> Path:
    """Write the cache directory of ``path`` (its parent): the N-Triples ``data``, the
    same graph as an on-disk store and their integrity record, all or nothing.

    The directory is written beside its place and renamed into it under a lock; a
    directory already there is replaced, unless ``keep_sound`` and it is sound (another
    process wrote it meanwhile: it is kept, and it may be in use). Raises ``InputError``
    when the cache cannot be written; a failure or a signal leaves no temporary files.
    """
    import shutil
    import tempfile

    from riskgraph.errors import InputError
    from riskgraph.io.atomic import signals_held
    from riskgraph.namespaces import PROJECT_GRAPH
    from riskgraph.store import rocks

    unit = path.parent
    try:
        unit.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{unit.name}.", suffix=".tmp", dir=unit.parent))
    except OSError as exc:
        raise InputError(f"cannot write here: {exc.strerror or exc}", file=unit.parent) from None
    try:
        mask = os.umask(0o022)
        os.umask(mask)
        os.chmod(tmp, 0o777 & ~mask)  # mkdtemp's 0700 would hide the cache from its group
        _write_new(tmp / CACHED_NAME, data)
        rocks.write(tmp / STORE_NAME, data, PROJECT_GRAPH)
        store = {file.name: [len(body), _sha256(body)]
                 for file in sorted((tmp / STORE_NAME).iterdir())
                 for body in [file.read_bytes()]}
        record = {"bytes": len(data), "sha256": _sha256(data), "triples": triples,
                  "store": store}
        _write_new(tmp / INTEGRITY_NAME, (json.dumps(record, indent=2) + "\n").encode())
        with _locked(unit), signals_held():
            if not (keep_sound and unit.exists() and integrity_problem(path) is None):
                _move_aside_and_remove(unit)
                os.rename(tmp, unit)
    except OSError as exc:
        raise InputError(f"cannot write the cache: {exc.strerror or exc}", file=unit) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # gone already if it was renamed into place
    return path


def _write_new(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


@contextlib.contextmanager
def _locked(unit: Path):
    """Hold the lock of the cache directory ``unit`` (a file beside it): one writer at
    a time decides whether to replace the directory."""
    try:
        import fcntl
    except ImportError:  # not on this platform: the renames are atomic all the same
        yield
        return
    with open(unit.with_name(f".{unit.name}.lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _move_aside_and_remove(unit: Path) -> None:
    """Remove the directory ``unit``: renamed aside first, so that its place is free
    at once and no reader finds it half removed."""
    import shutil
    import tempfile

    if not os.path.lexists(unit):
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{unit.name}.", suffix=".old", dir=unit.parent))
    os.rename(unit, aside / unit.name)
    shutil.rmtree(aside, ignore_errors=True)


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
        return write_cached_graph(path, data, triples, keep_sound=True)
    except InputError as exc:
        fallback = _fallback_dir() / "graph" / CACHED_NAME
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
        return write_cached_graph(path, data, triples, keep_sound=True)
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
