"""What one side of a diff is, from the text a user writes.

    bundled               the ontology and data riskgraph ships (or this checkout's)
    git:REV               the ontology and data of revision REV of the git repository
                          in the current directory (git archive; nothing is fetched)
    DIR                   a folder: a build output (riskgraph.nt or riskgraph.ttl), a
                          checkout or archive (its ontology/ and data/), or a folder of
                          RDF files (.ttl, .nt, .jsonld, read recursively)
    FILE                  one Turtle, N-Triples or JSON-LD file
    A+B+...               the union: bundled+mine.ttl is the bundled graph plus mine.ttl

A name that exists as a path is read as that path, even with a ``+`` in it.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from riskgraph.errors import InputError
from riskgraph.io.formats import FILE_GRAPHS, GRAPHS
from riskgraph.io.rdf import bundled_files, file_triples, ontology_files

RDF_SUFFIXES = tuple(GRAPHS[f].suffix for f in FILE_GRAPHS)
BUILD_FILES = ("riskgraph.nt", "riskgraph.ttl")  # what `riskgraph build` writes
GIT_TIMEOUT = 120  # seconds for one git archive


@dataclass
class Side:
    """One side of a diff: its name as given, the files it was read from, its triples
    (a set: rdflib's graph store costs seconds per side at the bundled graph's size,
    and a diff needs only set operations and lookups by subject)."""

    spec: str
    triples: set = field(default_factory=set)
    files: list[str] = field(default_factory=list)

    def graph(self) -> Graph:
        graph = Graph()
        for triple in self.triples:
            graph.add(triple)
        return graph


def parts(spec: str) -> list[str]:
    if not spec.strip():
        raise InputError("an empty graph name", argument="side",
                         hint="give bundled, git:REV, a folder or a file, joined with +")
    if Path(spec).exists() or "+" not in spec:
        return [spec]
    return [part for part in spec.split("+") if part] or [spec]


def _read(paths: list[Path], side: Side, bundled: bool) -> None:
    for path in paths:  # owl:imports are dropped, never followed
        side.triples.update(file_triples(path, bundled=bundled).triples)


def load_side(spec: str) -> Side:
    """Read one side (see the module's description); an unreadable part raises InputError."""
    side = Side(spec)
    for part in parts(spec):
        if part == "bundled":
            paths = bundled_files()
            _read(paths, side, bundled=True)
        elif part.startswith("git:"):
            with tempfile.TemporaryDirectory(prefix="riskgraph-diff-") as tmp:
                root = _git_archive(part[4:], Path(tmp))
                paths = _checkout_files(root)
                _read(paths, side, bundled=True)  # committed riskgraph files
                paths = [Path(part) / p.relative_to(root) for p in paths]
        else:
            paths = _path_files(Path(part))
            _read(paths, side, bundled=False)
        side.files += [str(p) for p in paths]
    return side


def _checkout_files(root: Path) -> list[Path]:
    found = [root / "ontology" / "riskgraph.ttl", root / "ontology" / "alignments.ttl"]
    files = [p for p in found if p.is_file()]
    data = root / "data"
    files += sorted(p for p in data.glob("*.ttl") if p.is_file())
    files += sorted(p for p in data.glob("external/*/*.ttl") if p.is_file())
    return files


def _path_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise InputError("no such file or folder (nor bundled or git:REV)", file=path,
                         hint="give bundled, git:REV, a folder or a file, joined with +")
    for name in BUILD_FILES:
        if (path / name).is_file():
            return [path / name]  # a build output holds one graph in several formats
    if (path / "data").is_dir() and (path / "ontology").is_dir():
        return _checkout_files(path)
    files = sorted(p for p in path.rglob("*") if p.suffix.lower() in RDF_SUFFIXES
                   and p.is_file() and not p.is_symlink())
    if not files:
        raise InputError("the folder holds no .ttl, .nt or .jsonld file", file=path)
    return files


def _git_archive(revision: str, into: Path) -> Path:
    """Extract ontology/ and data/ of ``revision`` into ``into`` (no network)."""
    if not revision or revision.startswith("-"):
        raise InputError(f"not a git revision: {revision!r}", argument="side",
                         hint="for example git:HEAD~1 or git:v0.1.0")
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True,
                             text=True, timeout=GIT_TIMEOUT, check=True).stdout.strip()
        archive = subprocess.run(
            ["git", "-C", top, "archive", "--format=tar", f"{revision}^{{tree}}", "--",
             "ontology", "data"], capture_output=True, timeout=GIT_TIMEOUT, check=True).stdout
    except FileNotFoundError:
        raise InputError("git:REV needs git, which is not installed") from None
    except subprocess.CalledProcessError as exc:
        why = (exc.stderr or b"").strip()
        text = why.decode("utf-8", "replace") if isinstance(why, bytes) else why
        raise InputError(f"git could not give revision {revision!r}: {text.splitlines()[-1:]}",
                         hint="run riskgraph diff inside the repository; name a commit, "
                              "tag or branch") from None
    except subprocess.TimeoutExpired:
        raise InputError(f"git took longer than {GIT_TIMEOUT} s for {revision!r}") from None
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")  # no links out, no absolute paths
    return into


def bundled_ontology() -> set:
    """Class and term labels for sides that carry no ontology of their own."""
    side = Side("ontology")
    with contextlib.suppress(InputError):
        _read(ontology_files(), side, bundled=True)
    return side.triples
