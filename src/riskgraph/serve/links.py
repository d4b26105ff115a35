"""Where an IRI's page is: absolute paths on the server, relative files in the static site."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote

from riskgraph import namespaces
from riskgraph.namespaces import ID_IRI, RG_IRI

_SLUG = re.compile(r"[a-z]+/[a-z0-9]([a-z0-9.-]*[a-z0-9])?")
ONTOLOGY_IRI = RG_IRI.rstrip("#")
_SAFE_URL = re.compile(r"https?://[^\s<>\"'`\\]+", re.IGNORECASE)


@lru_cache(maxsize=65536)
def entity_path(iri: str) -> str | None:
    """``kind/slug`` for a riskgraph instance IRI, else None."""
    if iri.startswith(ID_IRI) and _SLUG.fullmatch(iri[len(ID_IRI):]):
        return iri[len(ID_IRI):]
    return None


@lru_cache(maxsize=65536)  # called for every cell of every page
def compact(iri: str) -> str:
    """A prefixed name where its local part reads back in a page and a query
    (``namespaces.compact`` owns the prefixes); else the IRI itself."""
    short = namespaces.compact(iri)
    local = short.partition(":")[2]
    return short if short != iri and re.fullmatch(r"[\w.-]+", local) else iri


def safe_url(value: str) -> str | None:
    """``value`` if it is a plain http(s) URL a page may link to (never javascript: etc.)."""
    value = value.strip()
    return value if _SAFE_URL.fullmatch(value) else None


def doi_url(doi: str) -> str:
    return "https://doi.org/" + quote(doi.strip(), safe="/:;()._-")


def arxiv_url(arxiv: str) -> str | None:
    arxiv = arxiv.strip()
    if re.fullmatch(r"\d{4}\.\d{4,5}(v\d+)?|[a-z-]+(\.[A-Z]{2})?/\d{7}(v\d+)?", arxiv):
        return "https://arxiv.org/abs/" + arxiv
    return None


class Linker:
    """Builds links for pages. ``root`` is the way from the page to the site's root
    ("/" on the server, "../../" for a page two folders deep in the static site);
    ``suffix`` is added to page paths (".html" in the static site)."""

    def __init__(self, root: str = "/", suffix: str = "", static: bool = False) -> None:
        self.root = root
        self.suffix = suffix
        self.static = static  # the static site: no editor, no endpoint

    def page(self, name: str) -> str:
        """A top-level page: "", "queries", "ontology", "browse", "graph", "editor"."""
        if not name:
            return self.root + ("index.html" if self.static else "")
        return self.root + name + self.suffix

    def asset(self, name: str) -> str:
        return self.root + "static/" + name

    def entity(self, iri: str) -> str | None:
        """The page of a riskgraph IRI (entity or ontology term), else None."""
        path = entity_path(iri)
        if path is not None:
            return self.root + "id/" + path + self.suffix
        if iri.startswith(RG_IRI) and re.fullmatch(r"\w+", iri[len(RG_IRI):]):
            return self.page("ns") + "#" + iri[len(RG_IRI):]
        if iri == ONTOLOGY_IRI:
            return self.page("ns")
        return None

    def query(self, name: str) -> str:
        return self.root + "queries/" + name + self.suffix

    def href(self, iri: str) -> str | None:
        """A link for any IRI: its page here, or the IRI itself if it is a plain web URL."""
        return self.entity(iri) or safe_url(iri)
