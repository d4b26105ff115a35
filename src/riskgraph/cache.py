"""A cache of the built graph, keyed by the content of the bundled files.

The query path reads the cached N-Triples instead of reasoning at every call;
this module imports nothing heavy so that ``riskgraph query`` starts fast.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from riskgraph import __version__, resources

CACHED_NAME = "riskgraph.nt"


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


def fingerprint(extra: list[Path] | None = None) -> str:
    digest = hashlib.sha256(__version__.encode())
    for path in bundle_files() + list(extra or []):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def cached_graph_path() -> Path:
    return cache_root() / fingerprint() / CACHED_NAME


def ensure_cached_graph() -> Path:
    """The built (asserted + inferred) graph as N-Triples, building it on a miss.

    Raises ``CheckFailed`` when the bundled data is inconsistent.
    """
    path = cached_graph_path()
    if path.exists():
        return path
    from riskgraph.build import build
    from riskgraph.errors import CheckFailed

    result = build(path.parent, formats=("nt",))
    if not result.ok:
        problems = [str(c) for c in result.reasoning.clashes] + [str(u) for u in result.undeclared]
        raise CheckFailed("the bundled ontology and data do not pass their checks: "
                          + "; ".join(problems or ["inconsistent"]))
    return path
