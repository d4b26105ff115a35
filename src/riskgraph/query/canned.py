"""Canned SPARQL queries: discovery, front matter, parameters and binding.

Each ``queries/NAME.rq`` answers one question. Its ``#+`` front matter (see
``riskgraph.query.frontmatter``) gives a summary, description, tags and parameters;
a parameter ``area`` is the variable ``?_area`` (required, or filled from its
default) or ``?__area`` (optional: left unbound when not given).

Values are bound as RDF terms in a ``VALUES`` block that opens the query's
WHERE group, never pasted into the query text: friendly values such as ``4.2``
or ``CBRN`` are first resolved against the store to the IRI they name.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from riskgraph import resources
from riskgraph.errors import InputError
from riskgraph.query.frontmatter import parse_front_matter
from riskgraph.query.results import QueryResult, Term
from riskgraph.query.safety import Token, check_query

SUFFIX = ".rq"
XSD = "http://www.w3.org/2001/XMLSchema#"
FRONT_MATTER_KEYS = {"summary", "description", "tags", "params"}
PARAM_KEYS = {"name", "description", "default", "class", "datatype", "example"}
_LITERAL_FORMS = {
    XSD + "string": (r"(?s).*", "any text"),
    XSD + "integer": (r"[+-]?\d+", "a whole number such as 5"),
    XSD + "decimal": (r"[+-]?(\d+(\.\d*)?|\.\d+)", "a decimal number such as 0.6"),
    XSD + "gYear": (r"-?\d{4}", "a four-digit year such as 2024"),
    XSD + "date": (r"\d{4}-\d{2}-\d{2}", "a date such as 2024-12-01"),
    XSD + "boolean": (r"true|false", "true or false"),
}
_IRI_OK = re.compile(r'[^\x00-\x20<>"{}|^`\\]+')


@dataclass(frozen=True)
class Param:
    name: str
    variable: str  # the SPARQL variable without '?': "_area" or "__year"
    required: bool
    kind: str  # "iri" (resolved against the store), "literal" or "auto" (undeclared)
    default: str | None = None
    description: str = ""
    classes: tuple[str, ...] = ()  # for "iri": the classes whose instances are accepted
    datatype: str | None = None  # for "literal"
    example: str | None = None

    @property
    def type_label(self) -> str:
        if self.kind == "iri":
            return " or ".join(_compact(c) for c in self.classes)
        if self.kind == "literal":
            return _compact(self.datatype or XSD + "string")
        return "IRI or text"


@dataclass
class CannedQuery:
    name: str
    summary: str
    description: str
    tags: list[str]
    params: list[Param]
    text: str
    path: Path | None
    form: str = "SELECT"

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


@dataclass
class PreparedQuery:
    query: CannedQuery
    text: str  # the SPARQL text, unchanged
    bindings: dict[str, Term] = field(default_factory=dict)  # variable (no '?') -> term
    values: dict[str, str] = field(default_factory=dict)  # param name -> value as given

    @property
    def bound_text(self) -> str:
        return bind_values(self.text, self.bindings)


# --- prefixed names -------------------------------------------------------

def _prefixes() -> dict[str, str]:
    from riskgraph.namespaces import PREFIXES

    return {**PREFIXES, "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "xsd": XSD}


def _expand(name: str) -> str | None:
    prefix, colon, local = name.partition(":")
    if not colon or local.startswith("//"):
        return None
    base = _prefixes().get(prefix)
    return base + local if base else None


def _compact(iri: str) -> str:
    best = None
    for prefix, base in _prefixes().items():
        if iri.startswith(base) and (best is None or len(base) > len(best[1])):
            best = (prefix, base)
    return f"{best[0]}:{iri[len(best[1]):]}" if best else f"<{iri}>"


# --- reading query files ----------------------------------------------------

def _variables(tokens: list[Token]) -> set[str]:
    return {t.text[1:] for t in tokens if t.kind == "var"}


def _as_list(value, key: str, source) -> list:
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [value]
    raise InputError(f"bad front matter: '{key}' must be a list", file=source)


def _iri_option(value: str, key: str, source) -> str:
    iri = _expand(value) if not value.startswith(("http://", "https://")) else value
    if iri is None:
        raise InputError(f"bad front matter: {key} {value!r} is not a known prefixed name",
                         file=source, hint="use a prefix such as rg:, skos: or xsd:")
    return iri


def _param(spec, params_vars: dict[str, str], source) -> Param:
    if not isinstance(spec, dict):
        raise InputError("bad front matter: each item under 'params' must be a mapping "
                         "with at least 'name'", file=source)
    unknown = set(spec) - PARAM_KEYS
    if unknown:
        raise InputError(f"bad front matter: unknown parameter key(s) {sorted(unknown)}",
                         file=source, hint=f"allowed: {', '.join(sorted(PARAM_KEYS))}")
    name = spec.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", name):
        raise InputError(f"bad front matter: parameter name {name!r} must be letters and "
                         "digits", file=source)
    variable = params_vars.pop(name, None)
    if variable is None:
        raise InputError(f"bad front matter: parameter {name!r} is declared but the query "
                         f"uses neither ?_{name} nor ?__{name}", file=source)
    if "class" in spec and "datatype" in spec:
        raise InputError(f"bad front matter: parameter {name!r} has both class and datatype",
                         file=source)
    default = spec.get("default")
    if default is not None and not isinstance(default, str):
        default = str(default).lower() if isinstance(default, bool) else str(default)
    classes: tuple[str, ...] = ()
    datatype = None
    if "class" in spec:
        kind = "iri"
        classes = tuple(_iri_option(c, "class", source)
                        for c in _as_list(spec["class"], "class", source))
    else:
        kind = "literal"
        datatype = _iri_option(spec.get("datatype", "xsd:string"), "datatype", source)
        if datatype not in _LITERAL_FORMS:
            raise InputError(f"bad front matter: datatype {_compact(datatype)} is not "
                             "supported for parameters", file=source,
                             hint="use " + ", ".join(_compact(d) for d in _LITERAL_FORMS))
    optional = variable.startswith("__")
    if optional and default is not None:
        raise InputError(f"bad front matter: ?{variable} is optional (two underscores) "
                         "and cannot have a default; name it ?_" + name, file=source)
    return Param(name, variable, required=not optional and default is None, kind=kind,
                 default=default, description=str(spec.get("description", "")),
                 classes=classes, datatype=datatype, example=spec.get("example"))


def parse_query(text: str, name: str, path: Path | None = None,
                source: str | None = None, canned: bool = True) -> CannedQuery:
    """A query and its metadata from its text; malformed metadata raises ``InputError``."""
    source = source or (str(path) if path else name)
    meta = parse_front_matter(text, source)
    unknown = set(meta) - FRONT_MATTER_KEYS
    if unknown:
        raise InputError(f"bad front matter: unknown key(s) {sorted(unknown)}", file=source,
                         hint=f"allowed: {', '.join(sorted(FRONT_MATTER_KEYS))}")
    if canned and not isinstance(meta.get("summary"), str):
        raise InputError("bad front matter: a canned query needs '#+ summary: ...'", file=source)
    shape = check_query(text, source)
    params_vars: dict[str, str] = {}
    for var in sorted(_variables(shape.tokens)):
        if var.startswith("_"):
            pname = var.lstrip("_")
            if pname in params_vars and params_vars[pname] != var:
                raise InputError(f"the query uses both ?_{pname} and ?__{pname}", file=source)
            params_vars[pname] = var
    params = [_param(spec, params_vars, source)
              for spec in _as_list(meta.get("params", []), "params", source)]
    if len({p.name for p in params}) != len(params):
        raise InputError("bad front matter: a parameter is declared twice", file=source)
    if params_vars and canned:
        raise InputError("the query uses " + ", ".join(f"?{v}" for v in params_vars.values())
                         + " but the front matter does not declare "
                         + ("it" if len(params_vars) == 1 else "them"), file=source,
                         hint="add it under '#+ params:' with '- name: ...'")
    params += [Param(n, v, required=not v.startswith("__"), kind="auto")
               for n, v in params_vars.items()]
    tags = [str(t) for t in _as_list(meta.get("tags", []), "tags", source)]
    return CannedQuery(name, str(meta.get("summary", "")), str(meta.get("description", "")),
                       tags, params, text, path, shape.form or "SELECT")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError("the query file is not valid UTF-8", file=path) from None
    except OSError as exc:
        raise InputError(f"cannot read the query file: {exc.strerror or exc}", file=path) from None


def load_query_file(path: Path | str, canned: bool = False) -> CannedQuery:
    path = Path(path)
    if not path.is_file():
        raise InputError("no such query file", file=path)
    return parse_query(_read(path), path.stem, path, canned=canned)


def query_files() -> list[Path]:
    return sorted(resources.queries_dir().glob("*" + SUFFIX))


def list_queries() -> list[CannedQuery]:
    """Every canned query, by name."""
    return [load_query_file(path, canned=True) for path in query_files()]


def get_query(name: str) -> CannedQuery:
    """The canned query ``name``; an unknown name lists the close matches."""
    names = [path.stem for path in query_files()]
    if name in names:
        return load_query_file(resources.queries_dir() / (name + SUFFIX), canned=True)
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    close += [n for n in names if name.lower() in n.lower() and n not in close][:3]
    hint = ("did you mean: " + ", ".join(close) + "?") if close else \
        "run `riskgraph query --list` to see them all"
    raise InputError(f"there is no canned query named {name!r}", hint=hint)


# --- binding ------------------------------------------------------------------

_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t",
          "\b": "\\b", "\f": "\\f"}


def term_to_sparql(term: Term) -> str:
    """A term as SPARQL syntax, escaped so that no value can change the query."""
    if term.kind == "uri":
        if not _IRI_OK.fullmatch(term.value):
            raise InputError(f"{term.value!r} cannot be written as an IRI")
        return f"<{term.value}>"
    if term.kind != "literal":
        raise InputError(f"a {term.kind} cannot be bound as a parameter value")
    text = "".join(_ECHAR.get(c, c if ord(c) >= 0x20 and c != "\x7f" else f"\\u{ord(c):04X}")
                   for c in term.value)
    if term.lang:
        if not re.fullmatch(r"[A-Za-z]+(-[A-Za-z0-9]+)*", term.lang):
            raise InputError(f"{term.lang!r} is not a language tag")
        return f'"{text}"@{term.lang}'
    if term.datatype and term.datatype != XSD + "string":
        return f'"{text}"^^{term_to_sparql(Term("uri", term.datatype))}'
    return f'"{text}"'


def _group_start(tokens: list[Token]) -> int:
    """Index of the '{' that opens the query's WHERE group."""
    i = 0
    form = next((t.upper for t in tokens if t.kind == "word"
                 and t.upper in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")), None)
    if form == "CONSTRUCT":
        at = next(k for k, t in enumerate(tokens) if t.upper == "CONSTRUCT")
        if at + 1 < len(tokens) and tokens[at + 1].text == "{":  # skip the template
            depth = 0
            for k in range(at + 1, len(tokens)):
                depth += {"{": 1, "}": -1}.get(tokens[k].text, 0)
                if depth == 0:
                    i = k + 1
                    break
    for k in range(i, len(tokens)):
        if tokens[k].kind == "punct" and tokens[k].text == "{":
            return k
    raise InputError("the query has no WHERE { ... } group to bind parameters into")


def bind_values(text: str, bindings: dict[str, Term]) -> str:
    """``text`` with a VALUES block for ``bindings`` opening its WHERE group.

    Placed first in the outermost group, the block is joined before that
    group's patterns, FILTERs and BINDs see the variables, as a pre-bound
    variable would be. The text is otherwise unchanged (same lines).
    """
    if not bindings:
        return text
    from riskgraph.query.safety import tokenize

    for name in bindings:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise InputError(f"{name!r} is not a SPARQL variable name")
    names = " ".join("?" + name for name in bindings)
    values = " ".join(term_to_sparql(term) for term in bindings.values())
    tokens = tokenize(text)
    k = _group_start(tokens)
    brace = tokens[k].start
    block = f" VALUES ({names}) {{ ({values}) }}"
    if k + 1 < len(tokens) and tokens[k + 1].upper == "SELECT":  # a sub-select body
        depth, end = 0, None
        for token in tokens[k:]:
            depth += {"{": 1, "}": -1}.get(token.text, 0) if token.kind == "punct" else 0
            if depth == 0:
                end = token.start
                break
        if end is not None:
            return text[:brace + 1] + block + " {" + text[brace + 1:end] + "} " + text[end:]
    return text[:brace + 1] + block + text[brace + 1:]


# --- resolving friendly values -------------------------------------------------

RESOLVE_QUERY = """\
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX bibo: <http://purl.org/ontology/bibo/>
PREFIX rg: <https://w3id.org/riskgraph/ns#>
SELECT ?x ?key ?how WHERE {
  ?x a ?_class .
  { ?x skos:notation ?key BIND("code" AS ?how) }
  UNION { ?x rg:navigatorId ?key BIND("code" AS ?how) }
  UNION { ?x rg:arxivId ?key BIND("code" AS ?how) }
  UNION { ?x bibo:doi ?key BIND("code" AS ?how) }
  UNION { ?x rdfs:label ?key BIND("label" AS ?how) }
  UNION { ?x skos:prefLabel ?key BIND("label" AS ?how) }
  UNION { ?x dcterms:title ?key BIND("label" AS ?how) }
  UNION { ?x skos:altLabel ?key BIND("label" AS ?how) }
}
"""


@dataclass
class _Candidate:
    iri: str
    codes: set[str] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)

    @property
    def slug(self) -> str:
        return self.iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def describe(self) -> str:
        code = min(self.codes, key=len) if self.codes else None
        label = min(self.labels, key=len) if self.labels else self.slug
        return f"{code} ({label})" if code and code != label else f"{label} [{self.slug}]"


def _candidates(param: Param, store, timeout: float | None) -> dict[str, _Candidate]:
    found: dict[str, _Candidate] = {}
    for cls in param.classes:
        result = store.select(RESOLVE_QUERY, {"_class": Term("uri", cls)}, timeout)
        for row in result.rows:
            cand = found.setdefault(row["x"].value, _Candidate(row["x"].value))
            (cand.codes if row["how"].value == "code" else cand.labels).add(row["key"].value)
    return found


def resolve_iri(param: Param, value: str, store, timeout: float | None = None) -> Term:
    """The IRI a friendly ``value`` names among the instances of ``param.classes``."""
    candidates = _candidates(param, store, timeout)
    what = f"--param {param.name}"
    text = value.strip()
    iri = text[1:-1] if text.startswith("<") and text.endswith(">") else None
    if iri is None and text.startswith(("http://", "https://")):
        iri = text
    if iri is None and ":" in text:
        iri = _expand(text)
    tiers: list[list[_Candidate]] = []
    if iri is not None:
        tiers.append([c for c in candidates.values() if c.iri == iri])
    tiers.append([c for c in candidates.values() if text in c.codes or text == c.slug])
    low = text.casefold()
    tiers.append([c for c in candidates.values()
                  if low in {k.casefold() for k in c.codes | c.labels | {c.slug}}])
    for matches in tiers:
        if len(matches) == 1:
            return Term("uri", matches[0].iri)
        if len(matches) > 1:
            listed = "; ".join(sorted(c.describe() for c in matches))
            raise InputError(f"{what}: {value!r} is ambiguous; it could be: {listed}",
                             hint="give the code or the full IRI instead")
    kinds = param.type_label
    if not candidates:
        raise InputError(f"{what}: {value!r} is not known, and the graph has no "
                         f"{kinds} to choose from")
    if len(candidates) <= 40:
        choices = "; ".join(sorted(c.describe() for c in candidates.values()))
        raise InputError(f"{what}: {value!r} is not a known {kinds}", hint=f"choose one of: "
                         f"{choices}")
    keys = {k: c for c in candidates.values() for k in c.codes | c.labels | {c.slug}}
    close = difflib.get_close_matches(text, list(keys), n=5, cutoff=0.5)
    hint = ("close matches: " + "; ".join(keys[k].describe() for k in close)) if close else \
        f"there are {len(candidates)} to choose from; give a code, a label or an IRI"
    raise InputError(f"{what}: {value!r} is not a known {kinds}", hint=hint)


def _literal(param: Param, value: str) -> Term:
    datatype = param.datatype or XSD + "string"
    pattern, expected = _LITERAL_FORMS[datatype]
    value = value.strip() if datatype != XSD + "string" else value
    if datatype == XSD + "boolean":
        value = value.lower()
    if not re.fullmatch(pattern, value):
        raise InputError(f"--param {param.name}: {value!r} is not {expected}")
    return Term("literal", value, None if datatype == XSD + "string" else datatype)


def _auto(value: str) -> Term:
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        return Term("uri", text[1:-1])
    if text.startswith(("http://", "https://")) and _IRI_OK.fullmatch(text):
        return Term("uri", text)
    expanded = _expand(text) if ":" in text else None
    return Term("uri", expanded) if expanded else Term("literal", value)


def _coerce(name_or_query) -> CannedQuery:
    if isinstance(name_or_query, CannedQuery):
        return name_or_query
    return get_query(str(name_or_query))


def prepare(name_or_query, params: dict[str, str] | None = None, store=None,
            timeout: float | None = None) -> PreparedQuery:
    """The query with its parameter values resolved to RDF terms.

    Unknown or missing parameters, bad literals, and unknown or ambiguous
    friendly values raise ``InputError`` naming the choices.
    """
    query = _coerce(name_or_query)
    params = dict(params or {})
    known = {p.name for p in query.params}
    unknown = [name for name in params if name not in known]
    if unknown:
        expected = ", ".join(sorted(known)) or "none"
        raise InputError(f"query {query.name!r} has no parameter {unknown[0]!r}",
                         hint=f"its parameters: {expected}")
    missing = [p.name for p in query.params if p.required and p.name not in params]
    if missing:
        raise InputError(f"query {query.name!r} needs --param {missing[0]}=VALUE",
                         hint=_param_help(query.param(missing[0])))  # type: ignore[arg-type]
    bindings: dict[str, Term] = {}
    values: dict[str, str] = {}
    for param in query.params:
        value = params.get(param.name, param.default)
        if value is None:
            continue
        values[param.name] = value
        if param.kind == "iri":
            if store is None:
                from riskgraph.store.embedded import open_store

                store = open_store()
            bindings[param.variable] = resolve_iri(param, value, store, timeout)
        elif param.kind == "literal":
            bindings[param.variable] = _literal(param, value)
        else:
            bindings[param.variable] = _auto(value)
    return PreparedQuery(query, query.text, bindings, values)


def _param_help(param: Param) -> str:
    text = f"{param.name}: {param.type_label}"
    if param.description:
        text += f"; {param.description}"
    if param.example:
        text += f" (for example {param.example})"
    return text


def run_prepared(prepared: PreparedQuery, store=None, timeout: float | None = None) -> QueryResult:
    if store is None:
        from riskgraph.store.embedded import open_store

        store = open_store()
    try:
        return store.select(prepared.text, prepared.bindings, timeout)
    except InputError as exc:
        if exc.file == "query":  # name the file or option the query came from
            query = prepared.query
            exc.file = str(query.path) if query.path else query.name
        raise


def run_query(name, params: dict[str, str] | None = None, store=None,
              timeout: float | None = None) -> QueryResult:
    """Run the canned query ``name`` (or a ``CannedQuery``) with ``params``."""
    if store is None:
        from riskgraph.store.embedded import open_store

        store = open_store()
    prepared = prepare(name, params, store, timeout)
    return run_prepared(prepared, store, timeout)
