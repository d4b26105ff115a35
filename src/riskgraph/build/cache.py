"""The built graph, cached by the content of the bundled files.

One directory per fingerprint (a sha256 of riskgraph's version and the bundled files,
3 ms, never kept on disk): the graph as N-Triples, the same graph as an
on-disk pyoxigraph store (``store/``, opened read-only by a cold query) and their
integrity record (size and sha256 of every file). Written whole beside its place and
renamed in (``io.atomic``) under a lock; never written again in place. A directory that
does not match its record is rebuilt, with a note; one that is not the user's own work
(``io.private``: a link, someone else's, writable by others) is rebuilt whatever its
record says. Hashing a directory reads 20 MB, so one that matched is remembered by its
files' stat (``verified.json``). An unwritable cache costs speed only (a temporary copy).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

from riskgraph import resources
from riskgraph.errors import CheckFailed, InputError
from riskgraph.io.private import open_lock, path_problem, private_root, read_private, write_private
from riskgraph.namespaces import PROJECT_GRAPH
from riskgraph.version import __version__

CACHED_NAME = "riskgraph.nt"
INTEGRITY_NAME = "integrity.json"
STORE_NAME = "store"
CACHE_LAYOUT = "nt+store"  # in the fingerprint: a directory of another layout is not reused
VERIFIED_MEMO = "verified.json"  # directories whose sha256 matched, by their files' stat
MEMO_SIZE = 16
# A file changed this recently may change again within its timestamp's granularity
# without its stat changing, so its stat is not trusted yet (git's "racily clean").
RACY_NS = 2_000_000_000
_FINGERPRINTS: dict[str, str] = {}  # this process's, by the stat of the files
_DAMAGED: dict[Path, str] = {}  # checked this process: why it was removed, "" if sound
_FALLEN_BACK: dict[Path, Path] = {}  # cache path that could not be written -> the copy


def cache_root() -> Path:
    """Where the cache lives (``private_root`` checks it)."""
    configured = os.environ.get("RISKGRAPH_CACHE")
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(configured) if configured else Path(base) / "riskgraph"


def bundle_files() -> list[Path]:
    alignments = [resources.alignments_file()] if resources.alignments_file().exists() else []
    return ([resources.core_ontology(), *alignments, *resources.data_files(),
             *sorted(resources.ontology_dir().glob("shapes*.ttl")), *resources.rule_files()])


def content_fingerprint(files: list[Path]) -> str:
    digest = hashlib.sha256(f"{__version__} {CACHE_LAYOUT}".encode())
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def fingerprint(extra: list[Path] | None = None) -> str:
    """The content hash of the bundled files (and ``extra``). Remembered in this process
    only (a query asks twice), by the files' stat, once that is old enough to trust."""
    files = bundle_files() + list(extra or [])
    stamps = [_stamp(path, str(path)) for path in files]
    key = json.dumps(stamps)
    if key not in _FINGERPRINTS:
        value = content_fingerprint(files)
        if not _settled(stamps):
            return value
        _FINGERPRINTS[key] = value
    return _FINGERPRINTS[key]


def _stamp(path: Path, name: str) -> tuple[str, int, int, int, int]:
    info = path.stat()
    return (name, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def _settled(stamps: list[tuple[str, int, int, int, int]]) -> bool:
    """Whether these stats are old enough that the next change must show in them."""
    return time.time_ns() - max((max(s[2], s[3]) for s in stamps), default=0) > RACY_NS


def cached_graph_path() -> Path:
    """Where the built graph is cached. A damaged directory is removed here (the reason
    kept for ``ensure_cached_graph`` to note), so that nothing, not even a worker started
    early, loads it."""
    path = private_root(cache_root()) / fingerprint() / CACHED_NAME  # InputError: not private
    if path not in _DAMAGED and os.path.lexists(path.parent):
        problem = integrity_problem(path)
        _DAMAGED[path] = problem if problem and _remove_damaged(path) else ""
    return path


def sound_cached_graph() -> Path | None:
    """The cached graph if it is there and sound, else None (never builds)."""
    path = cached_graph_path()
    return path if path.is_file() and not _DAMAGED.get(path) else None


def cached_store_dir(path: Path) -> Path:
    """The on-disk store beside the cached graph ``path`` (checked with it)."""
    return path.parent / STORE_NAME


def _remove_damaged(path: Path) -> bool:
    """Remove the damaged directory of ``path``, unless another process has replaced it
    with a sound one meanwhile (False then)."""
    from riskgraph.io.atomic import remove_folder  # writing only

    with contextlib.suppress(OSError), _locked(path.parent):
        if integrity_problem(path) is None:
            return False
        remove_folder(path.parent)
    return True


def integrity_problem(path: Path) -> str | None:
    """Why the cache directory of the graph ``path`` cannot be trusted, or None."""
    unit = path.parent
    entries = [(unit, True), *((e, e.name == STORE_NAME) for e in _listing(unit)),
               *((e, False) for e in _listing(unit / STORE_NAME))]
    for entry, directory in entries:  # the user's own work, or not used whatever it holds
        if (why := path_problem(entry, directory=directory)) is not None:
            return f"{'the directory' if entry == unit else entry.name} {why}"
    try:
        record = json.loads(read_private(unit / INTEGRITY_NAME, 64 * 1024))
        files = [(path, int(record["bytes"]), str(record["sha256"]), "the graph file")]
        files += [(unit / STORE_NAME / name, int(size), str(digest), f"the store's file {name}")
                  for name, (size, digest) in sorted(record["store"].items())]
        triples = record["triples"]
    except (InputError, ValueError, KeyError, TypeError, AttributeError):
        return "its integrity record is missing or unreadable"
    stamps = []
    for file, size, _, what in [*files, (unit / INTEGRITY_NAME, -1, "", "its record")]:
        try:
            stamps.append(_stamp(file, file.name))
        except OSError:
            return f"{what} is missing"
        if size >= 0 and stamps[-1][1] != size:
            return f"{what} holds {stamps[-1][1]:,} bytes where {size:,} were written"
    if not triples:
        return "it holds no triples"
    if {e.name for e in _listing(unit / STORE_NAME)} != {f.name for f, *_ in files[1:]} \
            or len(files) == 1:
        return "its store's files are not those written"
    memo_path, key = unit.parent / VERIFIED_MEMO, json.dumps(stamps)
    try:
        memo = json.loads(read_private(memo_path, 1024 * 1024))
        memo = memo if isinstance(memo, dict) else {}
    except (InputError, ValueError):
        memo = {}
    if memo.get(str(unit)) == key:  # hashed before, and not touched since
        return None
    for file, size, digest, what in files:
        try:
            if _sha256(read_private(file, size)) != digest:
                return f"the content of {what} does not match its sha256"
        except InputError as exc:
            return exc.message
    if _settled(stamps):
        memo.pop(str(unit), None)
        memo[str(unit)] = key
        with contextlib.suppress(OSError):  # an unwritable memo only costs speed
            write_private(memo_path, json.dumps(dict(list(memo.items())[-MEMO_SIZE:])).encode())
    return None


def _listing(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []  # a missing store is found by the integrity check


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def cached_triple_count(path: Path) -> int | None:
    """The triple count in the integrity record of the cached graph at ``path``."""
    try:
        return int(json.loads((path.parent / INTEGRITY_NAME).read_bytes())["triples"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_cached_graph(path: Path, data: bytes, triples: int, *,
                       keep_sound: bool = False) -> Path:
    """Write the cache directory of ``path`` (the N-Triples ``data``, the same graph as a
    store, their record) beside its place and rename it in under a lock: all or nothing.
    What is there is replaced, unless ``keep_sound`` and it is sound (another process wrote
    it meanwhile, and may use it). ``InputError`` if the cache cannot be written."""
    import shutil  # writing only, as below

    from riskgraph.io.atomic import fresh_folder, install_folder, signals_held
    from riskgraph.store import rocks  # store imports build: build imports store lazily

    unit = path.parent
    tmp = fresh_folder(unit, 0o700)  # new and private: nothing can be planted in it
    try:
        (tmp / CACHED_NAME).write_bytes(data)  # a torn write is found by the record
        rocks.write(tmp / STORE_NAME, data, PROJECT_GRAPH)
        store = {f.name: [len(body), _sha256(body)]
                 for f in sorted((tmp / STORE_NAME).iterdir()) for body in [f.read_bytes()]}
        record = {"bytes": len(data), "sha256": _sha256(data), "triples": triples,
                  "store": store}
        (tmp / INTEGRITY_NAME).write_text(json.dumps(record, indent=2) + "\n")
        for entry in [tmp, *tmp.rglob("*")]:  # whatever the umask (002 is common)
            if not entry.is_symlink():
                os.chmod(entry, stat.S_IMODE(entry.lstat().st_mode) & ~0o022)
        with _locked(unit), signals_held():
            if not (keep_sound and unit.exists() and integrity_problem(path) is None):
                install_folder(tmp, unit, None)  # in the private cache: all is riskgraph's
    except OSError as exc:
        raise InputError(f"cannot write the cache: {exc.strerror or exc}", file=unit) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # gone already if it was renamed in
    return path


@contextlib.contextmanager
def _locked(unit: Path):
    """One writer at a time decides whether to replace the directory ``unit``."""
    if fcntl is None:  # not on this platform: the renames are atomic all the same
        yield
        return
    fd = open_lock(unit.with_name(f".{unit.name}.lock"))  # never a link or a FIFO
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def ensure_cached_graph() -> Path:
    """The built (asserted + inferred) graph as N-Triples, built on a miss. A damaged
    cache is rebuilt, with a note; ``CheckFailed`` if the bundled data is inconsistent."""
    path = cached_graph_path()
    if path in _FALLEN_BACK and _FALLEN_BACK[path].is_file():  # built once this process
        return _FALLEN_BACK[path]
    if problem := _DAMAGED.get(path):
        print(f"note: the cached graph {path} was damaged ({problem}); rebuilding it",
              file=sys.stderr)
    elif path.exists():
        return path
    data, triples = _build_ntriples()
    _DAMAGED.pop(path, None)  # noted once; what is written now is checked afresh
    try:
        return write_cached_graph(path, data, triples, keep_sound=True)
    except InputError as exc:
        import atexit
        import shutil
        import tempfile

        print(f"note: cannot write the cache ({exc.message}: {exc.file}); using a temporary "
              "copy of the graph (set RISKGRAPH_CACHE to a writable directory to keep it)",
              file=sys.stderr)
        directory = tempfile.mkdtemp(prefix="riskgraph-cache-")
        atexit.register(shutil.rmtree, directory, True)
        _FALLEN_BACK[path] = write_cached_graph(Path(directory) / "graph" / CACHED_NAME,
                                                data, triples)
        return _FALLEN_BACK[path]


def remember_built_graph(data: bytes, triples: int) -> Path | None:
    """Keep a graph just built from the bundled files (N-Triples ``data``) as the cache,
    unless a sound one is there. Never raises: a cache not written is a missed shortcut."""
    try:
        path = cached_graph_path()
        if path.exists() and not _DAMAGED.get(path):
            return path
        _DAMAGED.pop(path, None)  # what is written now is checked afresh
        return write_cached_graph(path, data, triples, keep_sound=True)
    except (InputError, OSError):
        return None


def _build_ntriples() -> tuple[bytes, int]:
    from riskgraph.build.pipeline import build  # HermiT: only on a miss

    result = build(None)
    if not result.ok or result.graph is None:
        problems = [str(c) for c in result.reasoning.clashes] + [str(u) for u in result.undeclared]
        raise CheckFailed("the bundled ontology and data do not pass their checks: "
                          + "; ".join(problems or ["inconsistent"]))
    return result.graph.serialize(format="nt", encoding="utf-8"), len(result.graph)
