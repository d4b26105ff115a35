"""Read RDF files with clear errors: the file, the line and what is wrong.

Every RDF parse in riskgraph goes through this module, and none dereferences
anything:

- a file is read only if it is a regular file (never a FIFO, device or
  directory), and at most ``MAX_BYTES`` are read, whatever ``stat`` says;
- JSON-LD contexts must be inline: a context given as a URL, an ``@import``,
  at any depth (context arrays, scoped contexts in term definitions), is refused
  before parsing, and rdflib's context fetcher refuses everything while riskgraph
  parses (``riskgraph.patches.refuse_jsonld_fetching``), in case the walk ever
  misses one; a user's own rdflib code in the same process is left as it is;
- ``owl:imports`` are reported as warnings and removed, never followed;
- IRIs that cannot be written in N-Triples (a space, ``<``, ``"``...) are refused
  with their line, rather than breaking the reasoner later.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.exceptions import ParserError
from rdflib.namespace import OWL
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from riskgraph import resources
from riskgraph.errors import InputError
from riskgraph.io.files import read_bytes
from riskgraph.patches import FetchRefused, refuse_jsonld_fetching
from riskgraph.text import visible

FORMATS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".json": "json-ld"}
REFUSED = {".rdf": "RDF/XML", ".owl": "RDF/XML", ".xml": "RDF/XML", ".n3": "N3", ".trig": "TriG"}
MAX_BYTES = 50 * 1024 * 1024  # a contribution larger than this is refused, not parsed
MAX_JSON_DEPTH = 200  # deeper JSON-LD nesting is refused (rdflib recurses per level)
Triple = tuple[Node, Node, Node]


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
    if head.startswith("<?xml") or "<rdf:RDF" in head or head.startswith("<!DOCTYPE"):
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
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        hint = "save the file as UTF-8"
        if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
            hint = "the file is UTF-16: save it as UTF-8"
        raise InputError(
            f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            file=path, line=line, column=column, hint=hint,
        ) from None
    # A byte-order mark is harmless in UTF-8 but rdflib reads it as a syntax error;
    # old Mac line endings (CR only) would make the whole file one comment line.
    text = text.removeprefix("\ufeff")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _shown(text: object) -> str:
    """``text`` for a message: control characters from the input (a terminal escape
    sequence, say) are shown as \\xNN, never sent to the terminal."""
    return visible(text)


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
    why = _shown(getattr(exc, "_why", str(exc)))
    return InputError(f"Turtle syntax error: {why}", file=path, line=line, column=column,
                      hint=_syntax_hint(why))


def _line_of(text: str, needle: str) -> int | None:
    at = text.find(needle) if needle else -1
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def _bad_ntriples(path: Path, text: str, exc: ParserError) -> InputError:
    message = str(exc)
    bad = message.split("Invalid line:", 1)[1].strip() if "Invalid line:" in message else ""
    return InputError(f"N-Triples syntax error: {_shown(message)}", file=path,
                      line=_line_of(text, bad),
                      hint="each line holds one triple: <subject> <predicate> object .")


_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def _walk_json(document: object) -> tuple[list[str], int, list[str]]:
    """Non-inline contexts anywhere in ``document`` (as found), its nesting depth, and
    the ``@id`` values no IRI may be (rdflib would drop them silently).

    Iterative, so a document nested 100,000 deep is measured, not a RecursionError.
    A context is non-inline when it is a string (a URL or a relative reference,
    alone or in a context array) or uses ``@import``, at any depth: top level,
    nested node objects, scoped contexts inside term definitions.
    """
    found: list[str] = []
    bad_ids: list[str] = []
    deepest = 0
    stack: list[tuple[object, int]] = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_JSON_DEPTH:
            break
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    items = value if isinstance(value, list) else [value]
                    found += [f"remote JSON-LD context {item!r}" for item in items
                              if isinstance(item, str)]
                elif key == "@import":
                    found.append(f"remote JSON-LD context (@import) {value!r}")
                elif key == "@id" and isinstance(value, str) and _BAD_IRI.search(value):
                    bad_ids.append(value)
                stack.append((value, depth + 1))
        elif isinstance(node, list):
            stack.extend((item, depth + 1) for item in node)
    return found, deepest, bad_ids


def _load_json(text: str, path: Path) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"JSON syntax error: {exc.msg}", file=path,
                         line=exc.lineno, column=exc.colno) from None
    except RecursionError:
        raise _too_deep(path) from None


def _too_deep(path: Path) -> InputError:
    return InputError(f"the JSON-LD document is nested more than {MAX_JSON_DEPTH} levels deep",
                      file=path, hint="flatten the document (for example with a JSON-LD "
                                      "processor's flatten operation)")


class _WarningCatcher(logging.Filter):
    """Keeps rdflib's "does not look like a valid URI" warnings off stderr."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        self.messages.append(record.getMessage())
        return False


def _check_iris(graph: Iterable[Triple], text: str, path: Path) -> None:
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef) and (bad := _BAD_IRI.search(term)):
                char = bad.group()
                shown = {" ": "a space", "\n": "a line break", "\t": "a tab"}.get(
                    char, repr(char) if char.isprintable() else f"U+{ord(char):04X}")
                raise InputError(f"the IRI <{_shown(term)}> contains {shown}, which IRIs may "
                                 "not hold",
                                 file=path, line=_line_of(text, str(term)),
                                 hint="percent-encode it (a space is %20) or remove it")


_SURROGATE = re.compile("[\ud800-\udfff]")
# How a lone surrogate is written in Turtle, N-Triples or JSON (a raw one is not UTF-8).
_SURROGATE_ESCAPE = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F][0-9a-fA-F]{2}")


def _literal_line(text: str, lexical: str) -> int | None:
    for needle in (json.dumps(lexical, ensure_ascii=False), f"'{lexical}'", lexical):
        line = _line_of(text, needle)
        if line is not None:
            return line
    return None


def _check_terms(graph: Iterable[Triple], text: str, path: Path) -> None:
    """Refuse what rdflib parses but nothing can write or reason over: a lone surrogate
    (an escape such as \\uD800 that names half a character; no UTF-8 output can hold
    it) and an ill-typed literal (``"abc"^^xsd:integer``, an int out of range, a
    malformed date or XML literal), each with its line."""
    for triple in graph:
        for term in triple:
            if _SURROGATE.search(str(term)) or (
                    isinstance(term, Literal) and _SURROGATE.search(term.language or "")):
                found = _SURROGATE_ESCAPE.search(text)
                line = text.count("\n", 0, found.start()) + 1 if found else None
                raise InputError("a string holds a lone surrogate escape (such as \\uD800), "
                                 "half of a character that UTF-8 cannot encode", file=path,
                                 line=line, hint="write the whole character, or remove the "
                                                 "escape")
            if isinstance(term, Literal) and term.ill_typed:
                lexical = str(term)
                raise InputError(f"the literal \"{_shown(lexical[:80])}\" is not a valid "
                                 f"<{_shown(term.datatype)}>", file=path,
                                 line=_literal_line(text, lexical),
                                 hint="correct the value, or give it the datatype it has")


def _parse_jsonld(graph: Graph, text: str, path: Path) -> None:
    """JSON-LD into ``graph``, named graphs included: a document whose nodes sit in a
    named ``@graph`` (``{"@id": ..., "@graph": [...]}``) is read, not found empty;
    riskgraph holds one graph, so every graph's triples go into it."""
    from rdflib import Dataset

    dataset = Dataset()
    with refuse_jsonld_fetching():  # whatever the walk in parse_text misses
        dataset.parse(data=text, format="json-ld", publicID=path.resolve().as_uri())
    for prefix, namespace in dataset.namespaces():
        graph.bind(prefix, namespace, override=False)
    graph.addN((s, p, o, graph) for s, p, o, _ in dataset.quads())


def parse_text(text: str, fmt: str, path: Path, graph: Graph | None = None) -> Graph:
    if fmt == "json-ld":
        document = _load_json(text, path)
        refused, depth, bad_ids = _walk_json(document)
        if depth > MAX_JSON_DEPTH:
            raise _too_deep(path)
        if refused:
            raise InputError(
                f"{refused[0]} is not fetched: riskgraph never fetches or reads a context",
                file=path, hint="inline the context in the document")
        if bad_ids:
            raise InputError(f"the @id {bad_ids[0]!r} is not a valid IRI",
                             file=path, line=_line_of(text, json.dumps(bad_ids[0])[1:-1]),
                             hint="percent-encode characters IRIs may not hold "
                                  "(a space is %20)")
    # Parsed into a graph of its own, so that only this file's IRIs are checked.
    if graph is None:
        graph = Graph()
    fresh = graph if len(graph) == 0 else Graph()
    catcher = _WarningCatcher()
    term_logger = logging.getLogger("rdflib.term")
    term_logger.addFilter(catcher)
    try:
        if fmt == "json-ld":
            _parse_jsonld(fresh, text, path)
        else:
            fresh.parse(data=text, format=fmt, publicID=path.resolve().as_uri())
    except BadSyntax as exc:
        raise _bad_syntax(path, text, exc) from None
    except ParserError as exc:
        if fmt == "nt":
            raise _bad_ntriples(path, text, exc) from None
        raise InputError(f"could not parse the file: {_shown(exc)}", file=path) from None
    except FetchRefused as exc:
        raise InputError(f"remote JSON-LD context {_shown(exc)} is not fetched: riskgraph never "
                         "fetches or reads a context", file=path,
                         hint="inline the context in the document") from None
    except RecursionError:
        raise _too_deep(path) from None
    except InputError:
        raise
    except Exception as exc:  # rdflib raises many types for malformed input
        raise InputError(f"could not parse the file: {_shown(exc)}", file=path) from None
    finally:
        term_logger.removeFilter(catcher)
    _check_iris(fresh, text, path)
    _check_terms(fresh, text, path)
    iri_messages = [m for m in catcher.messages if "does not look like a valid URI" in m]
    if iri_messages:  # an invalid IRI that the character check did not name
        raise InputError(f"invalid IRI: {_shown(iri_messages[0].split(' does not')[0])}",
                         file=path, hint="percent-encode characters IRIs may not hold")
    if fresh is not graph:
        for prefix, namespace in fresh.namespaces():
            graph.bind(prefix, namespace, override=False)
        graph += fresh
    return graph


def _import_ignored(path: Path, target: object) -> str:
    return (f"{path}: owl:imports <{target}> ignored: riskgraph never fetches or reads "
            "imported documents")


def _imports_removed(graph: Graph, path: Path) -> list[str]:
    """Remove every ``owl:imports`` triple; one warning per import."""
    warnings = []
    for subject, target in list(graph.subject_objects(OWL.imports)):
        warnings.append(_import_ignored(path, target))
        graph.remove((subject, OWL.imports, target))
    return warnings


def read_rdf_file(path: Path | str, *, max_bytes: int = MAX_BYTES,
                  keep_imports: bool = True) -> LoadedFile:
    """Parse one RDF file into its own graph, or raise ``InputError`` saying why not.

    ``owl:imports`` triples are reported in ``warnings``; they are kept in the graph
    (callers such as ``validate`` report them in their own words) unless
    ``keep_imports`` is false.
    """
    path = Path(path)
    raw = read_bytes(path, max_bytes)
    text = _decode(path, raw)
    fmt = _format_for(path, text)
    if not text.strip():
        raise InputError("the file is empty", file=path)
    graph = parse_text(text, fmt, path)
    if len(graph) == 0:
        raise InputError("the file holds no triples", file=path)
    if keep_imports:
        warnings = [_import_ignored(path, target) for target in graph.objects(None, OWL.imports)]
    else:
        warnings = _imports_removed(graph, path)
    return LoadedFile(path=path, graph=graph, text=text, warnings=warnings)


def ontology_files() -> list[Path]:
    """The ontology files merged into the graph (shapes are kept apart)."""
    files = [resources.core_ontology()]
    if resources.alignments_file().exists():
        files.append(resources.alignments_file())
    return files


def bundled_files() -> list[Path]:
    return ontology_files() + resources.data_files()


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_FAST_FORMATS = {"turtle": "TURTLE", "nt": "N_TRIPLES"}


def bundled_triples(text: str, fmt: str, path: Path) -> ParsedTriples | None:
    """The triples (and prefixes) of one of riskgraph's own Turtle or N-Triples files,
    read by pyoxigraph's parser (Rust, about ten times faster than rdflib's at the size
    of the imported catalogues), as rdflib terms equal to what rdflib's parser makes
    (``tests/cli/test_loading_fast.py`` compares the two over every bundled file).

    Only for the files riskgraph ships (``load_files(..., bundled=True)``): those are
    committed and tested, while a contribution goes through rdflib, whose messages and
    nesting limit the hostile-input tests hold. None when pyoxigraph refuses the text
    or it holds a term rdflib's Turtle has no equal for: rdflib then reads it and says
    what is wrong, with the line.
    """
    import pyoxigraph as ox

    if fmt not in _FAST_FORMATS:
        return None
    made: dict[object, Node] = {}

    def term(node: object) -> Node:
        known = made.get(node)
        if known is not None:
            return known
        if isinstance(node, ox.NamedNode):
            known = URIRef(node.value)
        elif isinstance(node, ox.BlankNode):
            known = BNode(node.value)
        elif isinstance(node, ox.Literal):
            datatype = node.datatype.value
            if node.language:  # pyoxigraph lowers a tag's case; riskgraph's are lower case
                known = Literal(node.value, lang=node.language)
            elif datatype == _XSD_STRING:
                known = Literal(node.value)
            else:
                known = Literal(node.value, datatype=URIRef(datatype))
        else:  # an RDF 1.2 triple term: rdflib's Turtle has none
            raise _NotPlain
        made[node] = known
        return known

    try:
        quads = ox.parse(text, getattr(ox.RdfFormat, _FAST_FORMATS[fmt]),
                         base_iri=path.resolve().as_uri(), rename_blank_nodes=True)
        triples = [(term(q.subject), term(q.predicate), term(q.object)) for q in quads]
    except (SyntaxError, ValueError, _NotPlain):
        return None
    return ParsedTriples(triples, dict(quads.prefixes))


@dataclass
class ParsedTriples:
    triples: list[Triple]
    prefixes: dict[str, str]


class _NotPlain(Exception):
    """A term the fast reader leaves to rdflib."""


def file_triples(path: Path, warnings: list[str] | None = None, *,
                 bundled: bool = False) -> ParsedTriples:
    """One file's triples and prefixes, ``owl:imports`` removed (each one added to
    ``warnings``); ``bundled`` (riskgraph's own) files go through ``bundled_triples``."""
    text = _decode(path, read_bytes(path))
    fmt = _format_for(path, text)
    parsed = bundled_triples(text, fmt, path) if bundled else None
    if parsed is None:
        fresh = parse_text(text, fmt, path)
        parsed = ParsedTriples(list(fresh), {p: str(n) for p, n in fresh.namespaces()})
    imports = [t for t in parsed.triples if t[1] == OWL.imports]
    if imports:
        parsed.triples = [t for t in parsed.triples if t[1] != OWL.imports]
        if warnings is not None:
            warnings += [_import_ignored(path, t[2]) for t in imports]
    if bundled:  # parse_text has checked a contribution's IRIs already
        _check_iris(parsed.triples, text, path)
    return parsed


def load_files(paths: list[Path], graph: Graph | None = None,
               warnings: list[str] | None = None, *, bundled: bool = False) -> Graph:
    """Merge several files into one graph; the first unreadable file raises.

    ``owl:imports`` are removed, never followed; each is added to ``warnings``
    when a list is given. ``bundled`` files (riskgraph's own) are read by the fast
    parser (``bundled_triples``).
    """
    graph = graph if graph is not None else Graph()
    for path in paths:
        parsed = file_triples(Path(path), warnings, bundled=bundled)
        for prefix, namespace in parsed.prefixes.items():
            graph.bind(prefix, namespace, override=False)
        graph.addN((s, p, o, graph) for s, p, o in parsed.triples)
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
        load_files(bundled_files(), graph, bundled=True)
    else:
        graph += ontology
        load_files(resources.data_files(), graph, bundled=True)
    return load_files(list(extra or []), graph)
