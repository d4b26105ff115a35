"""A cache of the built graph, keyed by the content of the bundled files.

The query path reads the cached N-Triples instead of reasoning at every call;
this module imports nothing heavy so that ``riskgraph query`` starts fast. For
the same reason the content hash of the bundled files is remembered against
their ``stat`` (size, mtime, ctime, inode): they are read again only when it changes.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path

from riskgraph import __version__, resources

CACHED_NAME = "riskgraph.nt"
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
    try:
        memo = json.loads(memo_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
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
    from riskgraph.io.atomic import write_text_atomic

    with contextlib.suppress(OSError):  # a cache that cannot be written only costs speed
        write_text_atomic(path, json.dumps(memo))


def cached_graph_path() -> Path:
    return cache_root() / fingerprint() / CACHED_NAME


def ensure_cached_graph() -> Path:
    """The built (asserted + inferred) graph as N-Triples, building it on a miss.

    Raises ``CheckFailed`` when the bundled data is inconsistent.
    """
    path = cached_graph_path()
    if path.exists():
        return path
    from riskgraph.build.pipeline import build
    from riskgraph.errors import CheckFailed

    result = build(path.parent, formats=("nt",))
    if not result.ok:
        problems = [str(c) for c in result.reasoning.clashes] + [str(u) for u in result.undeclared]
        raise CheckFailed("the bundled ontology and data do not pass their checks: "
                          + "; ".join(problems or ["inconsistent"]))
    return path
