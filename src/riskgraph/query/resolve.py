"""Friendly parameter values to RDF terms: ``4.2``, ``CBRN``, a label in any case, the
IRI's last segment, a prefixed name or a full IRI, resolved against the store among
the instances of the parameter's classes; literals checked against their datatype."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from riskgraph.errors import InputError
from riskgraph.namespaces import IRI_FORBIDDEN, XSD_IRI, compact, expand
from riskgraph.query.results import Term
from riskgraph.query.safety import check_canned

# The datatypes a literal parameter may have: (the pattern a value must match, how to say it)
LITERAL_FORMS = {
    XSD_IRI + "string": (r"(?s).*", "any text"),
    XSD_IRI + "integer": (r"[+-]?\d+", "a whole number such as 5"),
    XSD_IRI + "decimal": (r"[+-]?(\d+(\.\d*)?|\.\d+)", "a decimal number such as 0.6"),
    XSD_IRI + "gYear": (r"-?\d{4}", "a four-digit year such as 2024"),
    XSD_IRI + "date": (r"\d{4}-\d{2}-\d{2}", "a date such as 2024-12-01"),
    XSD_IRI + "boolean": (r"true|false", "true or false"),
}
CHOICES_LISTED_MAX = 40  # up to this many candidates, an unknown value lists them all
CLOSE_MATCH_CUTOFF = 0.5  # difflib similarity for "close matches"


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
            return " or ".join(compact(c) for c in self.classes)
        if self.kind == "literal":
            return compact(self.datatype or XSD_IRI + "string")
        return "IRI or text"
CLOSE_MATCHES_SHOWN = 5

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
    check_canned(RESOLVE_QUERY, "riskgraph.query.resolve")  # riskgraph's own query
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
    what = f"parameter {param.name}"
    text = value.strip()
    iri = text[1:-1] if text.startswith("<") and text.endswith(">") else None
    if iri is None and text.startswith(("http://", "https://")):
        iri = text
    if iri is None and ":" in text:
        iri = expand(text)
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
    if len(candidates) <= CHOICES_LISTED_MAX:
        choices = "; ".join(sorted(c.describe() for c in candidates.values()))
        raise InputError(f"{what}: {value!r} is not a known {kinds}", hint=f"choose one of: "
                         f"{choices}")
    keys = {k: c for c in candidates.values() for k in c.codes | c.labels | {c.slug}}
    close = difflib.get_close_matches(text, list(keys), n=CLOSE_MATCHES_SHOWN,
                                      cutoff=CLOSE_MATCH_CUTOFF)
    hint = ("close matches: " + "; ".join(keys[k].describe() for k in close)) if close else \
        f"there are {len(candidates)} to choose from; give a code, a label or an IRI"
    raise InputError(f"{what}: {value!r} is not a known {kinds}", hint=hint)


def literal_term(param: Param, value: str) -> Term:
    """``value`` as a literal of the parameter's datatype; ``InputError`` if it does not fit."""
    datatype = param.datatype or XSD_IRI + "string"
    pattern, expected = LITERAL_FORMS[datatype]
    value = value.strip() if datatype != XSD_IRI + "string" else value
    if datatype == XSD_IRI + "boolean":
        value = value.lower()
    if not re.fullmatch(pattern, value):
        raise InputError(f"parameter {param.name}: {value!r} is not {expected}")
    return Term("literal", value, None if datatype == XSD_IRI + "string" else datatype)


def auto_term(value: str) -> Term:
    """An undeclared parameter's value: an IRI if it is written as one, else text."""
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        return Term("uri", text[1:-1])
    if text.startswith(("http://", "https://")) and not IRI_FORBIDDEN.search(text):
        return Term("uri", text)
    expanded = expand(text) if ":" in text else None
    return Term("uri", expanded) if expanded else Term("literal", value)
