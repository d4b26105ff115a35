"""The built graph, cached by the content of the bundled files.

One folder per ``resources.fingerprint()``, computed each call: the graph as N-Triples,
the same graph as an on-disk pyoxigraph store (``store/``: a cold query's worker opens it
in about 0.01 s, where loading the N-Triples takes 0.3 s at 120,000 triples) and their
integrity record (size and sha256 of every file). The folder is written whole beside its
place and renamed in (``io.atomic``) under a lock, never written in place, and used only
while it matches its record and is the user's own (``io.private``); otherwise it is
removed, with a note, and built again. Hashing reads 40 MB (30 ms), so a folder that
matched is remembered by its files' stat (``.FOLDER.verified``). An unwritable cache
costs speed only: a temporary copy, built once per process.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import os
import shutil
import stat
import sys
import tempfile
import time
from pathlib import Path

from riskgraph import resources
from riskgraph.errors import CheckFailed, InputError
from riskgraph.io.atomic import fresh_folder, install_folder, remove_folder
from riskgraph.io.private import locked, path_problem, private_root, read_private, write_private
from riskgraph.namespaces import PROJECT_GRAPH
from riskgraph.store import rocks

GRAPH, RECORD, STORE = "riskgraph.nt", "integrity.json", "store"
LAYOUT = "v2"  # in the folder's name: a folder of another layout is never read
# A file changed this recently may change again within its timestamp's granularity
# without its stat changing, so its stat is not remembered yet (git's "racily clean").
RACY_NS = 2_000_000_000
_TEMPORARY: dict[str, Path] = {}  # folder name -> this process's copy, if unwritable


def cache_root() -> Path:
    configured = os.environ.get("RISKGRAPH_CACHE")
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(configured) if configured else Path(base) / "riskgraph"


def cache_folder() -> Path:
    """Where the graph of today's bundled files is cached (InputError: not private)."""
    return private_root(cache_root()) / f"{LAYOUT}-{resources.fingerprint()}"


def cached_graph(unit: Path | None = None) -> Path | None:
    """The graph cached in ``unit`` (default: ``cache_folder()``) if it is there and sound,
    else None (never builds). A folder that is not sound is removed, with a note."""
    unit = unit or cache_folder()
    if (copy := _TEMPORARY.get(unit.name)) is not None and copy.is_file():
        return copy
    if not os.path.lexists(unit):
        return None
    if (problem := integrity_problem(unit)) is None:
        return unit / GRAPH
    with contextlib.suppress(OSError), _locked(unit):
        if integrity_problem(unit) is None:  # another process replaced it meanwhile
            return unit / GRAPH
        remove_folder(unit)
        print(f"note: the cached graph {unit / GRAPH} was damaged ({problem}); removed it, "
              "to be built again", file=sys.stderr)
    return None


def ensure_cached_graph() -> Path:
    """The built (asserted + inferred) graph as N-Triples, built on a miss; ``CheckFailed``
    if the bundled data is inconsistent."""
    unit = cache_folder()
    if (path := cached_graph(unit)) is not None:
        return path
    data, triples = _build_ntriples()
    try:
        return write_cached_graph(unit, data, triples)
    except InputError as exc:
        print(f"note: cannot write the cache ({exc.message}: {exc.file}); using a temporary "
              "copy of the graph (set RISKGRAPH_CACHE to a writable directory to keep it)",
              file=sys.stderr)
        directory = tempfile.mkdtemp(prefix="riskgraph-cache-")
        atexit.register(shutil.rmtree, directory, True)
        _TEMPORARY[unit.name] = write_cached_graph(Path(directory) / "graph", data, triples)
        return _TEMPORARY[unit.name]


def remember_built_graph(data: bytes, triples: int) -> Path | None:
    """Keep a graph just built from the bundled files (N-Triples ``data``) as the cache,
    unless a sound one is there. Never raises: a cache not written is a missed shortcut."""
    try:
        unit = cache_folder()
        return cached_graph(unit) or write_cached_graph(unit, data, triples)
    except (InputError, OSError):
        return None


def write_cached_graph(unit: Path, data: bytes, triples: int) -> Path:
    """Write the cache folder ``unit`` (the N-Triples ``data``, the same graph as a store,
    their record) beside its place and rename it in under a lock: all or nothing. A sound
    folder there is kept (another process wrote it, and may be using it). Its graph file;
    ``InputError`` if it cannot be written."""
    tmp = fresh_folder(unit, 0o700)  # new and private: nothing can be planted in it
    try:
        (tmp / GRAPH).write_bytes(data)  # a torn write is found by the record
        rocks.write(tmp / STORE, data, PROJECT_GRAPH)
        files = {name: [len(body), _sha256(body)] for name in _names(tmp) if name != STORE
                 for body in [(tmp / name).read_bytes()]}
        (tmp / RECORD).write_text(json.dumps({"triples": triples, "files": files}, indent=1))
        for entry in [tmp, *tmp.rglob("*")]:  # whatever the umask (002 is common)
            os.chmod(entry, stat.S_IMODE(entry.lstat().st_mode) & ~0o022)
        with _locked(unit):
            if not os.path.lexists(unit) or integrity_problem(unit) is not None:
                install_folder(tmp, unit, None)  # in the private cache: all is riskgraph's
    except OSError as exc:
        raise InputError(f"cannot write the cache: {exc.strerror or exc}", file=unit) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # gone already if it was renamed in
    return unit / GRAPH


def integrity_problem(unit: Path) -> str | None:
    """Why the cache folder ``unit`` cannot be trusted, or None."""
    names = _names(unit)
    for name in ["", *names]:  # the user's own work, or not used whatever it holds
        if (why := path_problem(unit / name, directory=name in ("", STORE))) is not None:
            return f"{name or 'the folder'} {why}"
    try:
        record = json.loads(read_private(unit / RECORD, 1 << 20))
        files = {str(name): (int(size), str(digest))
                 for name, (size, digest) in record["files"].items()}
        written = int(record["triples"]) > 0 and GRAPH in files
    except (InputError, ValueError, KeyError, TypeError, AttributeError):
        return "its integrity record is missing or unreadable"
    if not written or set(files) != set(names) - {RECORD, STORE}:
        return "its files are not those written"
    stamps = _stamps(unit, [RECORD, *sorted(files)])
    if wrong := [name for name, (size, _) in files.items() if stamps[name][0] != size]:
        return f"{wrong[0]} does not hold the {files[wrong[0]][0]:,} bytes written"
    memo, key = unit.with_name(f".{unit.name}.verified"), json.dumps(stamps).encode()
    with contextlib.suppress(InputError):
        if read_private(memo, len(key)) == key:  # hashed before, and not touched since
            return None
    for name, (size, digest) in files.items():
        try:
            if _sha256(read_private(unit / name, size)) != digest:
                return f"the content of {name} does not match its sha256"
        except InputError as exc:
            return exc.message
    if time.time_ns() - max(max(s[1], s[2]) for s in stamps.values()) > RACY_NS:
        with contextlib.suppress(OSError):  # an unwritable memo only costs speed
            write_private(memo, key)
    return None


def _names(unit: Path) -> list[str]:
    """The names in ``unit`` and in its store, relative to ``unit``."""
    with contextlib.suppress(OSError):
        top = sorted(os.listdir(unit))
        return top + [f"{STORE}/{name}" for name in
                      (sorted(os.listdir(unit / STORE)) if STORE in top else [])]
    return []


def _stamps(unit: Path, names: list[str]) -> dict[str, tuple[int, ...]]:
    """Each file's size, mtime, ctime and inode (an edit changes one of them)."""
    def stamp(info: os.stat_result) -> tuple[int, ...]:
        return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)

    try:
        return {name: stamp(os.lstat(unit / name)) for name in names}
    except OSError:  # removed since it was listed
        return {name: (-1, 0, 0, 0) for name in names}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _locked(unit: Path) -> contextlib.AbstractContextManager[None]:
    """One process at a time decides whether to replace or remove the folder ``unit``."""
    return locked(unit.with_name(f".{unit.name}.lock"))


def cached_store_dir(path: Path) -> Path:
    """The on-disk store beside the cached graph ``path`` (checked with it)."""
    return path.parent / STORE


def cached_triple_count(path: Path) -> int | None:
    """The triple count in the integrity record of the cached graph at ``path``."""
    try:
        return int(json.loads((path.parent / RECORD).read_bytes())["triples"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _build_ntriples() -> tuple[bytes, int]:
    from riskgraph.build.pipeline import build  # HermiT, owlready2, rdflib: on a miss only

    result = build(None)
    if not result.ok or result.graph is None:
        problems = [str(c) for c in result.reasoning.clashes] + [str(u) for u in result.undeclared]
        raise CheckFailed("the bundled ontology and data do not pass their checks: "
                          + "; ".join(problems or ["inconsistent"]))
    return result.graph.serialize(format="nt", encoding="utf-8"), len(result.graph)
