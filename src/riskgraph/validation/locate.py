"""Find where an entity, or one of its statements, is written in a Turtle, N-Triples
or JSON-LD text.

A validation report names the place of the offending statement (its value's, else
its predicate's) and, where that cannot be told, of the entity's first occurrence as
a subject, so a contributor can jump to it. Entities are written as full IRIs (``<...>``) or
as prefixed names (``mitigation:data-curation``) under the file's own prefixes.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import URIRef

from riskgraph.namespaces import RDF_IRI

_PREFIX_DECL = re.compile(r"(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.I)
RDF_TYPE = RDF_IRI + "type"
LOCAL_NAME = re.compile(r"^[\w-]([\w.-]*[\w-])?$")  # a prefixed name's local part (simplified)


def declared_prefixes(text: str) -> list[tuple[str, str]]:
    """The ``@prefix`` / ``PREFIX`` declarations of a Turtle text, in order."""
    return [(m.group(1) or "", m.group(2)) for m in _PREFIX_DECL.finditer(text)]


def spellings(iri: str, prefixes: Iterable[tuple[str, str]], json: bool = False) -> list[str]:
    """Every way the text may write ``iri``: ``<iri>`` and ``prefix:local``."""
    found = [f'"{iri}"'] if json else [f"<{iri}>"]
    for prefix, namespace in prefixes:
        if namespace and iri.startswith(namespace):
            local = iri[len(namespace):]
            if local and LOCAL_NAME.match(local):
                found.append(f"{prefix}:{local}")
    return found


def _ends_token(text: str, end: int) -> bool:
    """True when a name that stops at ``end`` is not the start of a longer name."""
    if end >= len(text):
        return True
    char = text[end]
    if char.isalnum() or char in "_-:":
        return False
    return not (char == "." and end + 1 < len(text) and (text[end + 1].isalnum()
                                                          or text[end + 1] in "_-"))


# One Turtle token per match; whitespace and comments are matched to be skipped. A
# prefix is at most ~60 characters, so a long run of name characters that is not a
# prefixed name costs a bounded look-ahead per token, not a quadratic scan.
_TOKEN = re.compile(r"""
  (?P<ws>\s+|\#[^\n]*)
| (?P<iri><[^<>"{}|^`\\\s]*>)
| (?P<str>"{3}(?:[^"\\]|\\.|"(?!""))*"{3}|'{3}(?:[^'\\]|\\.|'(?!''))*'{3}
         |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
| (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
| (?P<dt>\^\^)
| (?P<num>[+-]?(?:\d*\.\d+(?:[eE][+-]?\d+)?|\d+(?:[eE][+-]?\d+)?))
| (?P<pname>(?:[A-Za-z_](?:[\w.-]{0,60}[\w-])?)?:
            (?:(?:[\w:%-]|\\.)(?:(?:[\w.:%-]|\\.)*(?:[\w:%-]|\\.))?)?)
| (?P<word>[A-Za-z]\w*)
| (?P<punct>[;,.\[\]()])
| (?P<other>.)
""", re.X | re.S)


@dataclass(frozen=True)
class Token:
    kind: str  # a group name of _TOKEN
    text: str
    offset: int


@dataclass
class Statement:
    """One top-level Turtle statement: its subject and, in order, each predicate with
    its objects (a nested blank node or collection is one object: its bracket)."""

    subject: Token
    predicates: list[tuple[Token, list[Token]]] = field(default_factory=list)


def tokens(text: str) -> list[Token]:
    return [Token(m.lastgroup or "other", m.group(), m.start())
            for m in _TOKEN.finditer(text) if m.lastgroup != "ws"]


def _is(token: Token, chars: str) -> bool:
    return token.kind == "punct" and token.text in chars


def _after_nested(items: list[Token], i: int) -> int:
    """The index after the bracket that closes the one at ``i``."""
    depth = 0
    while i < len(items):
        if _is(items[i], "[("):
            depth += 1
        elif _is(items[i], "])"):
            depth -= 1
            if depth <= 0:
                return i + 1
        i += 1
    return i


def statements(text: str) -> list[Statement]:
    """The top-level statements of a Turtle or N-Triples text, directives skipped.
    Tolerant: it reads text rdflib has parsed already, only to find places."""
    items = tokens(text)
    found: list[Statement] = []
    i, n = 0, len(items)
    while i < n:
        token = items[i]
        if token.kind == "lang" and token.text.lower() in ("@prefix", "@base"):
            while i < n and not _is(items[i], "."):
                i += 1
            i += 1
            continue
        if token.kind == "word" and token.text.upper() in ("PREFIX", "BASE"):
            i += 3 if token.text.upper() == "PREFIX" else 2  # no closing dot
            continue
        statement = Statement(token)
        found.append(statement)
        i = _after_nested(items, i) if _is(token, "[(") else i + 1
        objects: list[Token] | None = None  # None: a predicate comes next
        while i < n:
            token = items[i]
            if _is(token, ".;,"):
                i += 1
                if token.text == ".":
                    break
                if token.text == ";":
                    objects = None
            elif objects is None:
                objects = []
                statement.predicates.append((token, objects))
                i += 1
            else:
                objects.append(token)
                if _is(token, "[("):
                    i = _after_nested(items, i)
                    continue
                i += 1
                if i < n and items[i].kind == "lang":
                    i += 1
                elif i + 1 < n and items[i].kind == "dt":
                    i += 2
    return found


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


@dataclass(frozen=True)
class Place:
    line: int
    column: int  # 1-based, in characters (Unicode code points)


def _writes_literal(token: Token, value: str) -> bool:
    """Whether a literal token writes the lexical form ``value``."""
    if token.kind == "str":
        quote = 3 if token.text[:3] in ('"""', "'''") else 1
        return token.text[quote:-quote] == value
    if token.kind in ("num", "word"):
        if token.text == value:
            return True
        try:
            return float(token.text) == float(value)
        except ValueError:
            return False
    return False


class EntityLocator:
    """Answers "where is this entity written?" and "where is this statement?" in one
    file's text."""

    def __init__(self, text: str, json: bool = False) -> None:
        self.text = text
        self.json = json
        self.prefixes = declared_prefixes(text)
        self._statements = [] if json else statements(text)
        self._cache: dict[str, int | None] = {}
        self._line_starts: list[int] | None = None

    def place_at(self, offset: int) -> Place:
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        index = bisect_right(self._line_starts, offset) - 1
        return Place(index + 1, offset - self._line_starts[index] + 1)

    def line(self, iri: str) -> int | None:
        place = self.place(iri)
        return None if place is None else place.line

    def place(self, iri: str) -> Place | None:
        """Where the entity is first written as a subject (else first mentioned)."""
        if iri not in self._cache:
            self._cache[iri] = self._find(iri)
        offset = self._cache[iri]
        return None if offset is None else self.place_at(offset)

    def statement(self, subject: str, predicate: str, value=None) -> Place | None:
        """Where ``subject predicate value`` is written: the value's place when it is
        among the predicate's objects, else the predicate's; None when the text never
        gives the subject that predicate (or is JSON-LD). ``value`` is an rdflib term."""
        subjects = set(spellings(subject, self.prefixes))
        predicates = set(spellings(predicate, self.prefixes))
        if predicate == RDF_TYPE:
            predicates.add("a")
        values = set(spellings(str(value), self.prefixes)) if isinstance(
            value, URIRef) else None  # a literal is matched by its lexical form
        first: Token | None = None
        for statement in self._statements:
            if statement.subject.text not in subjects:
                continue
            for token, objects in statement.predicates:
                if token.text not in predicates:
                    continue
                first = first or token
                for item in objects if value is not None else ():
                    if (item.text in values if values is not None
                            else _writes_literal(item, str(value))):
                        return self.place_at(item.offset)
        return None if first is None else self.place_at(first.offset)

    def _find(self, iri: str) -> int | None:
        tokens = spellings(iri, self.prefixes, self.json)
        for statement in self._statements:  # first as a subject ...
            if statement.subject.text in tokens:
                return statement.subject.offset
        for token in tokens:  # ... else the first mention anywhere outside comments
            for match in re.finditer(re.escape(token), self.text):
                begin, end = match.span()
                line_start = self.text.rfind("\n", 0, begin) + 1
                if self.text[line_start:begin].lstrip().startswith("#") and not self.json:
                    continue
                before = self.text[begin - 1] if begin else " "
                if (before.isalnum() or before in "_-:") or not _ends_token(self.text, end):
                    continue
                return begin
        return None


_LINE_SUBJECT = re.compile(r"^[ \t]*(<[^>\s]*>|[A-Za-z][\w.-]*:[\w.-]*|:[\w.-]*)", re.M)
EXACT_LIMIT = 2_000_000  # characters: above this, lines are found by one regex scan


class SubjectLineIndex:
    """For large files: the first line on which each term starts a line.

    One regex pass over the text (in C) instead of ``statement_starts``' character
    walk, which costs minutes on a million-triple file. Subjects in N-Triples and in
    Turtle as people write it start a line; an entity found nowhere gets no line.
    """

    def __init__(self, text: str, json: bool = False) -> None:
        self.json = json
        self.prefixes = declared_prefixes(text)
        self._first: dict[str, int] = {}
        line, last = 1, 0
        if json:
            return
        for match in _LINE_SUBJECT.finditer(text):
            token = match.group(1)
            if token not in self._first:
                line += text.count("\n", last, match.start())
                last = match.start()
                self._first[token] = line

    def line(self, iri: str) -> int | None:
        for token in spellings(iri, self.prefixes, self.json):
            if token in self._first:
                return self._first[token]
        return None

    def place(self, iri: str) -> Place | None:
        line = self.line(iri)
        return None if line is None else Place(line, 1)

    def statement(self, subject: str, predicate: str, value=None) -> Place | None:
        return None  # not told in large files: the entity's line stands


def locator_for(text: str, json: bool = False) -> EntityLocator | SubjectLineIndex:
    """The exact locator for contribution-sized texts, the line index for large ones."""
    if len(text) <= EXACT_LIMIT:
        return EntityLocator(text, json=json)
    return SubjectLineIndex(text, json=json)
