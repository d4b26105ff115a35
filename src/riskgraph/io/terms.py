"""RDF terms: riskgraph's ``Term`` and the one set of conversions between rdflib's,
pyoxigraph's and riskgraph's terms.

``Term`` follows the W3C SPARQL 1.1 Query Results JSON Format's term model, so a
query's answer reads the same whichever store ran it. rdflib and pyoxigraph are
imported only when a conversion needs them (``riskgraph query`` stays light).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from riskgraph.namespaces import XSD_IRI

XSD_STRING = XSD_IRI + "string"
_INTEGERS = {XSD_IRI + name for name in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong",
    "unsignedShort", "unsignedByte")}
_BNODE_OK = re.compile(r"^[A-Za-z0-9_]+$")


@dataclass(frozen=True)
class Term:
    kind: str  # "uri", "literal" or "bnode"
    value: str
    datatype: str | None = None
    lang: str | None = None

    def to_json(self) -> dict[str, str]:
        out = {"type": self.kind, "value": self.value}
        if self.lang:
            out["xml:lang"] = self.lang
        elif self.datatype:
            out["datatype"] = self.datatype
        return out

    def to_python(self) -> Any:
        """A plain Python value: IRIs and text as ``str``; numbers, booleans and
        dates as ``int``, ``decimal.Decimal``, ``float``, ``bool``, ``datetime.date``;
        a value its datatype cannot read stays ``str``."""
        if self.kind != "literal" or not self.datatype:
            return self.value
        try:
            if self.datatype in _INTEGERS:
                return int(self.value)
            if self.datatype == XSD_IRI + "decimal":
                from decimal import Decimal

                return Decimal(self.value)
            if self.datatype in (XSD_IRI + "double", XSD_IRI + "float"):
                return float(self.value)
            if self.datatype == XSD_IRI + "boolean":
                return {"true": True, "1": True, "false": False, "0": False}[self.value]
            if self.datatype == XSD_IRI + "date":
                from datetime import date

                return date.fromisoformat(self.value)
        except (ValueError, KeyError, ArithmeticError):
            return self.value
        return self.value

    @classmethod
    def from_json(cls, data: dict[str, str]) -> Term:
        kind = data["type"]
        if kind == "typed-literal":  # SPARQL 1.0 JSON, still sent by some servers
            kind = "literal"
        return cls(kind, data["value"], data.get("datatype"), data.get("xml:lang"))

    @classmethod
    def from_oxigraph(cls, node: Any) -> Term:
        ox = _libraries()[0]
        if isinstance(node, ox.NamedNode):
            return cls("uri", node.value)
        if isinstance(node, ox.BlankNode):
            return cls("bnode", node.value)
        lang = node.language
        return cls("literal", node.value, None if lang else node.datatype.value, lang)

    def to_oxigraph(self) -> Any:
        ox = _libraries()[0]
        if self.kind == "uri":
            return ox.NamedNode(self.value)
        if self.kind == "bnode":
            return ox.BlankNode(bnode_label(self.value))
        if self.lang:
            return ox.Literal(self.value, language=self.lang)
        return ox.Literal(self.value, datatype=ox.NamedNode(self.datatype) if self.datatype
                          else None)


@cache
def _libraries() -> tuple[Any, Any, Any, Any]:
    """pyoxigraph and rdflib's term classes, imported on first use (once: the
    conversions run per term)."""
    import pyoxigraph
    from rdflib.term import BNode, Literal, URIRef

    return pyoxigraph, BNode, Literal, URIRef


def bnode_label(label: str) -> str:
    """A blank node's label as pyoxigraph accepts it: kept when it can be (so reports and
    answers agree), else made of its hex (a server may label ``nodeID://b1``)."""
    return label if _BNODE_OK.match(label) else "x" + label.encode().hex()


def to_oxigraph(node: Any) -> Any:
    """rdflib term -> pyoxigraph term."""
    ox, BNode, Literal, URIRef = _libraries()
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):
        return ox.BlankNode(bnode_label(str(node)))
    if not isinstance(node, Literal):
        raise ValueError(f"no pyoxigraph term for {node!r}")
    if node.language:
        return ox.Literal(str(node), language=node.language)
    if node.datatype is not None:
        return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
    return ox.Literal(str(node))


def to_rdflib(node: Any) -> Any:
    """pyoxigraph term -> rdflib term. Plain literals come back without a datatype, as
    rdflib parses ``"x"``; a literal keeps its lexical form (rdflib would otherwise
    rewrite ``"1"^^xsd:boolean`` as ``"true"``, naming a value the data does not hold)."""
    ox, BNode, Literal, URIRef = _libraries()
    if isinstance(node, ox.NamedNode):
        return URIRef(node.value)
    if isinstance(node, ox.BlankNode):
        return BNode(node.value)
    if not isinstance(node, ox.Literal):  # an RDF 1.2 triple term: rdflib has none
        raise ValueError(f"no rdflib term for {node!r}")
    if node.language:
        return Literal(node.value, lang=node.language)
    if node.datatype.value == XSD_STRING:
        return Literal(node.value)
    return Literal(node.value, datatype=URIRef(node.datatype.value), normalize=False)
