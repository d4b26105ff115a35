"""Find the bundled knowledge files: ontology/, data/ and queries/.

In a wheel they sit in ``riskgraph/_bundled``; in a checkout (editable install
or running from source) they sit at the repository root.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from riskgraph.version import __version__

_PACKAGE = Path(__file__).resolve().parent


@cache
def bundled_root() -> Path:
    wheel = _PACKAGE / "_bundled"
    if (wheel / "ontology").is_dir():
        return wheel
    checkout = _PACKAGE.parent.parent
    if (checkout / "ontology").is_dir():
        return checkout
    raise FileNotFoundError(
        f"riskgraph's bundled ontology was not found in {wheel} or {checkout}; "
        "reinstall the package"
    )


def ontology_dir() -> Path:
    return bundled_root() / "ontology"


def data_dir() -> Path:
    return bundled_root() / "data"


def queries_dir() -> Path:
    return bundled_root() / "queries"


def core_ontology() -> Path:
    return ontology_dir() / "riskgraph.ttl"


def shapes_file() -> Path:
    return ontology_dir() / "shapes.ttl"


def alignments_file() -> Path:
    return ontology_dir() / "alignments.ttl"


def rule_files() -> list[Path]:
    """The rules applied at build (``ontology/rules/*.rq``, SPARQL CONSTRUCT), in order."""
    return sorted(p for p in (ontology_dir() / "rules").glob("*.rq") if p.is_file())


def nexus_dir() -> Path:
    """The AI Atlas Nexus import (``riskgraph import nexus`` writes it)."""
    return data_dir() / "external" / "nexus"


def curated_data_files() -> list[Path]:
    """riskgraph's own curated data (``data/*.ttl``), in a stable order."""
    return sorted(p for p in data_dir().glob("*.ttl") if p.is_file())


def external_data_files() -> list[Path]:
    """Imported data (``data/external/<source>/*.ttl``), in a stable order."""
    root = data_dir() / "external"
    return sorted(p for p in root.glob("*/*.ttl") if p.is_file())


def data_files() -> list[Path]:
    """Every instance-data file, in a stable order: curated, then imported."""
    return curated_data_files() + external_data_files()


def bundle_files() -> list[Path]:
    """Every bundled file the built graph depends on, in a stable order."""
    alignments = [alignments_file()] if alignments_file().exists() else []
    return [core_ontology(), *alignments, *data_files(),
            *sorted(ontology_dir().glob("shapes*.ttl")), *rule_files()]


def fingerprint(extra: Sequence[Path] = ()) -> str:
    """A content hash of riskgraph's version, the bundled files and ``extra``: what a built
    graph depends on. Computed each call (7 MB, about 3 ms), so it is never stale."""
    digest = hashlib.sha256(__version__.encode())
    for path in [*bundle_files(), *extra]:
        data = path.read_bytes()
        digest.update(f"\n{path.name} {len(data)}\n".encode())
        digest.update(data)
    return digest.hexdigest()[:20]
