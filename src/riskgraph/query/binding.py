"""Parameter values as SPARQL text: RDF terms escaped so that no value can change the
query, placed in a ``VALUES`` block that opens the query's WHERE group.

Both stores bind this way. (pyoxigraph's own ``substitutions=`` argument was tried:
in pyoxigraph 0.5 it only accepts variables of the SELECT projection and does not
pre-bind them for the patterns, so it cannot serve parameters that are not returned.)
"""

from __future__ import annotations

import re

from riskgraph.errors import InputError
from riskgraph.namespaces import IRI_FORBIDDEN, XSD_IRI
from riskgraph.query.lexer import Token, tokenize
from riskgraph.query.results import Term
from riskgraph.text import string_literal

_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]+(-[A-Za-z0-9]+)*")


def term_to_sparql(term: Term) -> str:
    """A term as SPARQL syntax, escaped so that no value can change the query."""
    if term.kind == "uri":
        if not term.value or IRI_FORBIDDEN.search(term.value):
            raise InputError(f"{term.value!r} cannot be written as an IRI")
        return f"<{term.value}>"
    if term.kind != "literal":
        raise InputError(f"a {term.kind} cannot be bound as a parameter value")
    text = string_literal(term.value)
    if term.lang:
        if not _LANGUAGE_TAG.fullmatch(term.lang):
            raise InputError(f"{term.lang!r} is not a language tag")
        return f"{text}@{term.lang}"
    if term.datatype and term.datatype != XSD_IRI + "string":
        return f"{text}^^{term_to_sparql(Term('uri', term.datatype))}"
    return text


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
    for name in bindings:
        if not _VARIABLE.fullmatch(name):
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
