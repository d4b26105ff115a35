"""On-disk stores: ``riskgraph build --store DIR`` writes one (RocksDB, via pyoxigraph)
with a marker file that says what it holds; ``--store DIR`` opens it read-only."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from riskgraph.errors import InputError
from riskgraph.io.atomic import new_folder
from riskgraph.namespaces import PROJECT_GRAPH
from riskgraph.resources import fingerprint
from riskgraph.store import rocks
from riskgraph.version import __version__

MARKER = "riskgraph-store.json"


@dataclass
class StoreInfo:
    path: Path
    triples: int
    notes: list[str] = field(default_factory=list)


def read_marker(directory: Path) -> dict:
    marker = directory / MARKER
    if not directory.is_dir():
        raise InputError("no such store directory", file=directory,
                         hint=f"create it with `riskgraph build --store {directory}`")
    if not marker.is_file():
        raise InputError("this directory is not a riskgraph store", file=directory,
                         hint=f"create one with `riskgraph build --store {directory}`")
    try:
        return json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"the store's {MARKER} cannot be read: {exc}", file=directory) from None


def staleness(meta: dict) -> list[str]:
    """Notes for a store built from other versions of the bundled files."""
    if meta.get("extra"):
        return []
    if meta.get("fingerprint") != fingerprint():
        return ["the store was built from other versions of the bundled files; run "
                "`riskgraph build --store DIR` again to refresh it"]
    return []


def write_store(source: Path | bytes, directory: Path | str,
                extra: list[Path] | None = None) -> StoreInfo:
    """Write the N-Triples ``source`` as an on-disk store at ``directory``.

    Written whole beside ``directory`` and renamed into place (``io.atomic.new_folder``),
    so a failed run leaves nothing half-written. An existing riskgraph store there is
    replaced; any other existing, non-empty directory is refused.
    """
    directory = Path(directory)
    with new_folder(directory, MARKER, what="store") as tmp:
        triples = rocks.write(tmp, source, PROJECT_GRAPH)
        meta = {"riskgraph": __version__, "triples": triples, "graph": PROJECT_GRAPH,
                "fingerprint": fingerprint(extra or []), "extra": [str(p) for p in extra or []],
                "written": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        (tmp / MARKER).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return StoreInfo(directory, triples)
