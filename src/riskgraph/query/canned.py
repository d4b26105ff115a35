"""Canned SPARQL queries: discovery, front matter, parameters, and running them.

Each ``queries/NAME.rq`` answers one question. Its ``#+`` front matter (see
``riskgraph.query.frontmatter``) gives a summary, description, tags and parameters;
a parameter ``area`` is the variable ``?_area`` (required, or filled from its
default) or ``?__area`` (optional: left unbound when not given).

Values are bound as RDF terms (``riskgraph.query.binding``), never pasted into the
query text: friendly values such as ``4.2`` or ``CBRN`` are first resolved against
the store to the IRI they name (``riskgraph.query.resolve``).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from riskgraph import resources
from riskgraph.errors import InputError
from riskgraph.namespaces import compact, expand
from riskgraph.query.frontmatter import parse_front_matter
from riskgraph.query.lexer import tokenize
from riskgraph.query.resolve import (
    LITERAL_FORMS,
    Param,
    auto_term,
    literal_term,
    resolve_iri,
)
from riskgraph.query.results import QueryResult, Term
from riskgraph.query.safety import check_canned, check_query

__all__ = ["CannedQuery", "Param", "PreparedQuery", "get_query", "list_queries",
           "load_query_file", "parse_query", "prepare", "resolve_iri", "run_prepared",
           "run_query"]

SUFFIX = ".rq"
FRONT_MATTER_KEYS = {"summary", "description", "tags", "params"}
PARAM_KEYS = {"name", "description", "default", "class", "datatype", "example"}
MAX_QUERY_BYTES = 1_000_000  # a query file larger than this is a mistake
CLOSE_NAME_CUTOFF = 0.5  # difflib similarity for "did you mean" on query names
_PARAM_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*")


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


# --- reading query files ----------------------------------------------------

def _variables(text: str) -> set[str]:
    return {t.text[1:] for t in tokenize(text) if t.kind == "var"}


def _as_list(value, key: str, source) -> list:
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [value]
    raise InputError(f"bad front matter: '{key}' must be a list", file=source)


def _iri_option(value: str, key: str, source) -> str:
    iri = expand(value) if not value.startswith(("http://", "https://")) else value
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
    if not isinstance(name, str) or not _PARAM_NAME.fullmatch(name):
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
        if datatype not in LITERAL_FORMS:
            raise InputError(f"bad front matter: datatype {compact(datatype)} is not "
                             "supported for parameters", file=source,
                             hint="use " + ", ".join(compact(d) for d in LITERAL_FORMS))
    optional = variable.startswith("__")
    if optional and default is not None:
        raise InputError(f"bad front matter: ?{variable} is optional (two underscores) "
                         "and cannot have a default; name it ?_" + name, file=source)
    return Param(name, variable, required=not optional and default is None, kind=kind,
                 default=default, description=str(spec.get("description", "")),
                 classes=classes, datatype=datatype, example=spec.get("example"))


def parse_query(text: str, name: str, path: Path | None = None,
                source: str | None = None, canned: bool = True) -> CannedQuery:
    """A query and its metadata from its text; malformed metadata raises ``InputError``.

    ``canned`` asks for strict front matter (a summary, every parameter declared).
    Only a file of the bundled ``queries/`` is trusted with the quick safety check;
    any other text is judged on a full parse (``riskgraph.query.safety.check_query``).
    """
    source = source or (str(path) if path else name)
    meta = parse_front_matter(text, source)
    unknown = set(meta) - FRONT_MATTER_KEYS
    if unknown:
        raise InputError(f"bad front matter: unknown key(s) {sorted(unknown)}", file=source,
                         hint=f"allowed: {', '.join(sorted(FRONT_MATTER_KEYS))}")
    if canned and not isinstance(meta.get("summary"), str):
        raise InputError("bad front matter: a canned query needs '#+ summary: ...'", file=source)
    tags = _as_list(meta.get("tags", []), "tags", source)
    if not all(isinstance(tag, str) for tag in tags):
        raise InputError("bad front matter: 'tags' must be a list of words", file=source)
    texts = {key: meta.get(key, "") for key in ("summary", "description")}
    for key, value in texts.items():
        if not isinstance(value, str):
            raise InputError(f"bad front matter: '{key}' must be text", file=source)
    trusted = canned and path is not None and _bundled(path)
    shape = check_canned(text, source) if trusted else check_query(text, source)
    params_vars: dict[str, str] = {}
    for var in sorted(_variables(text)):
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
    return CannedQuery(name, texts["summary"], texts["description"], tags, params, text,
                       path, shape.form)


def _bundled(path: Path) -> bool:
    try:
        return Path(path).resolve().parent == resources.queries_dir().resolve()
    except OSError:
        return False


def _read(path: Path) -> str:
    try:
        with path.open("rb") as handle:  # the bytes actually read are capped
            data = handle.read(MAX_QUERY_BYTES + 1)
        if len(data) > MAX_QUERY_BYTES:
            raise InputError(f"the query file is larger than {MAX_QUERY_BYTES // 1000} kB",
                             file=path)
        return data.decode("utf-8")
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
    close = difflib.get_close_matches(name, names, n=3, cutoff=CLOSE_NAME_CUTOFF)
    close += [n for n in names if name.lower() in n.lower() and n not in close][:3]
    hint = ("did you mean: " + ", ".join(close) + "?") if close else \
        "run `riskgraph query --list` to see them all"
    raise InputError(f"there is no canned query named {name!r}", hint=hint)


# --- preparing and running ---------------------------------------------------------

def _coerce(name_or_query) -> CannedQuery:
    if isinstance(name_or_query, CannedQuery):
        return name_or_query
    return get_query(str(name_or_query))


def prepare(name_or_query, params: dict[str, str] | None, store,
            timeout: float | None = None) -> PreparedQuery:
    """The query with its parameter values resolved to RDF terms against ``store`` (the
    caller's: anything with ``select(text, bindings, timeout)``).

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
                         hint=f"its parameters: {expected}", argument="param")
    missing = [p.name for p in query.params if p.required and p.name not in params]
    if missing:
        raise InputError(f"query {query.name!r} needs a value for parameter {missing[0]!r}",
                         hint=_param_help(query.param(missing[0])),  # type: ignore[arg-type]
                         argument=f"param:{missing[0]}")
    bindings: dict[str, Term] = {}
    values: dict[str, str] = {}
    for param in query.params:
        value = params.get(param.name, param.default)
        if value is None:
            continue
        values[param.name] = value
        try:
            if param.kind == "iri":
                bindings[param.variable] = resolve_iri(param, value, store, timeout)
            elif param.kind == "literal":
                bindings[param.variable] = literal_term(param, value)
            else:
                bindings[param.variable] = auto_term(value)
        except InputError as exc:
            exc.argument = exc.argument or f"param:{param.name}"
            raise
    return PreparedQuery(query, query.text, bindings, values)


def _param_help(param: Param) -> str:
    text = f"{param.name}: {param.type_label}"
    if param.description:
        text += f"; {param.description}"
    if param.example:
        text += f" (for example {param.example})"
    return text


def run_prepared(prepared: PreparedQuery, store, timeout: float | None = None) -> QueryResult:
    """The answer of ``prepared`` on ``store`` (the caller's)."""
    try:
        return store.select(prepared.text, prepared.bindings, timeout)
    except InputError as exc:
        if exc.file == "query":  # name the file or option the query came from
            query = prepared.query
            exc.file = str(query.path) if query.path else query.name
        raise


def run_query(name, params: dict[str, str] | None, store,
              timeout: float | None = None) -> QueryResult:
    """Run the canned query ``name`` (or a ``CannedQuery``) with ``params`` on ``store``
    (the caller's, e.g. ``riskgraph.build.stores.open_store()``)."""
    prepared = prepare(name, params, store, timeout)
    return run_prepared(prepared, store, timeout)
