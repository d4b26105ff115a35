"""Read RDF files with clear errors: the file, the line and what is wrong.

Only Turtle, N-Triples and JSON-LD are accepted. Nothing is ever fetched:
remote JSON-LD contexts are refused and ``owl:imports`` are reported, not followed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import OWL
from rdflib.plugins.parsers.notation3 import BadSyntax

from riskgraph import resources
from riskgraph.errors import InputError

FORMATS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".json": "json-ld"}
REFUSED = {".rdf": "RDF/XML", ".owl": "RDF/XML", ".xml": "RDF/XML", ".n3": "N3", ".trig": "TriG"}
MAX_BYTES = 50 * 1024 * 1024  # a contribution larger than this is refused, not parsed


@dataclass
class LoadedFile:
    path: Path
    graph: Graph
    text: str
    warnings: list[str] = field(default_factory=list)


def _format_for(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    if suffix in REFUSED:
        raise InputError(
            f"{REFUSED[suffix]} files are not accepted",
            file=path,
            hint="send Turtle (.ttl), N-Triples (.nt) or JSON-LD (.jsonld)",
        )
    head = text.lstrip()[:200]
    if head.startswith("<?xml") or "<rdf:RDF" in head:
        raise InputError(
            "this looks like RDF/XML, which is not accepted",
            file=path,
            hint="convert it to Turtle, for example with `rdfpipe -o turtle FILE`",
        )
    if suffix not in FORMATS:
        raise InputError(
            f"unknown file type '{suffix or '(none)'}'",
            file=path,
            hint="name the file .ttl (Turtle), .nt (N-Triples) or .jsonld (JSON-LD)",
        )
    return FORMATS[suffix]


def _decode(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            file=path, line=line, column=column,
            hint="save the file as UTF-8",
        ) from None


def _syntax_hint(why: str) -> str | None:
    low = why.lower()
    if "prefix" in low and ("not bound" in low or "undefined" in low):
        return ("declare the prefix first, for example: "
                "@prefix rg: <https://w3id.org/riskgraph/ns#> .")
    if "expected" in low and ("'.'" in low or "end of statement" in low):
        return ("the statement before this point may be missing its closing '.', "
                "or a ';' or ',' is out of place")
    if "eof" in low or "end of file" in low:
        return "the file ends inside a statement: check for an unclosed quote, bracket or '.'"
    if "unterminated" in low or "string" in low:
        return "check that every string literal is closed with its quote"
    return None


def _bad_syntax(path: Path, text: str, exc: BadSyntax) -> InputError:
    line = exc.lines + 1
    index = getattr(exc, "_i", None)
    column = None
    if isinstance(index, int):
        raw = getattr(exc, "_str", b"")
        if isinstance(raw, bytes) and raw == text.encode("utf-8"):
            column = len(raw[raw.rfind(b"\n", 0, index) + 1 : index].decode("utf-8", "replace")) + 1
    why = getattr(exc, "_why", str(exc))
    return InputError(f"Turtle syntax error: {why}", file=path, line=line, column=column,
                      hint=_syntax_hint(why))


def _remote_contexts(node: object) -> list[str]:
    """Every @context given as a URL anywhere in a JSON-LD document."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                items = value if isinstance(value, list) else [value]
                found += [item for item in items if isinstance(item, str)]
            found += _remote_contexts(value)
    elif isinstance(node, list):
        for item in node:
            found += _remote_contexts(item)
    return found


def parse_text(text: str, fmt: str, path: Path, graph: Graph | None = None) -> Graph:
    graph = graph if graph is not None else Graph()
    if fmt == "json-ld":
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"JSON syntax error: {exc.msg}", file=path,
                             line=exc.lineno, column=exc.colno) from None
        remote = _remote_contexts(document)
        if remote:
            raise InputError(
                f"remote JSON-LD context {remote[0]!r} is not fetched",
                file=path, hint="inline the context in the document",
            )
    try:
        graph.parse(data=text, format=fmt, publicID=path.resolve().as_uri())
    except BadSyntax as exc:
        raise _bad_syntax(path, text, exc) from None
    except InputError:
        raise
    except Exception as exc:  # rdflib raises many types for malformed input
        raise InputError(f"could not parse the file: {exc}", file=path) from None
    return graph


def read_rdf_file(path: Path | str, *, max_bytes: int = MAX_BYTES) -> LoadedFile:
    """Parse one RDF file into its own graph, or raise ``InputError`` saying why not."""
    path = Path(path)
    if not path.exists():
        raise InputError("no such file", file=path)
    if path.is_dir():
        raise InputError("is a directory, not an RDF file", file=path)
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(
            f"the file is {size:,} bytes, more than the {max_bytes:,} accepted",
            file=path, hint="split the contribution into smaller files",
        )
    raw = path.read_bytes()
    text = _decode(path, raw)
    fmt = _format_for(path, text)
    if not text.strip():
        raise InputError("the file is empty", file=path)
    graph = parse_text(text, fmt, path)
    if len(graph) == 0:
        raise InputError("the file holds no triples", file=path)
    warnings = [
        f"{path}: owl:imports <{target}> ignored: riskgraph never fetches remote documents"
        for target in graph.objects(None, OWL.imports)
    ]
    return LoadedFile(path=path, graph=graph, text=text, warnings=warnings)


def ontology_files() -> list[Path]:
    """The ontology files merged into the graph (shapes are kept apart)."""
    files = [resources.core_ontology()]
    if resources.alignments_file().exists():
        files.append(resources.alignments_file())
    return files


def bundled_files() -> list[Path]:
    return ontology_files() + resources.data_files()


def load_files(paths: list[Path], graph: Graph | None = None) -> Graph:
    """Merge several files into one graph; the first unreadable file raises."""
    graph = graph if graph is not None else Graph()
    for path in paths:
        raw = Path(path).read_bytes() if Path(path).exists() else None
        if raw is None:
            raise InputError("no such file", file=path)
        text = _decode(Path(path), raw)
        parse_text(text, _format_for(Path(path), text), Path(path), graph)
    return graph


def load_bundled(extra: list[Path] | None = None, ontology: Graph | None = None) -> Graph:
    """Ontology, alignments and all of data/, plus any extra files.

    A caller that has already parsed the ontology passes it, so it is not parsed twice.
    """
    graph = Graph()
    from riskgraph.namespaces import PREFIXES

    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    if ontology is None:
        return load_files(bundled_files() + list(extra or []), graph)
    graph += ontology
    return load_files(resources.data_files() + list(extra or []), graph)
