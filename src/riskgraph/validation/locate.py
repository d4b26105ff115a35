"""Find the line where an entity is written in a Turtle, N-Triples or JSON-LD text.

A validation report names the line of the entity's first occurrence as a subject,
so a contributor can jump to it. Entities are written as full IRIs (``<...>``) or
as prefixed names (``mitigation:data-curation``) under the file's own prefixes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_PREFIX_DECL = re.compile(r"(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.I)
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


def statement_starts(text: str) -> list[int]:
    """Offsets where a Turtle statement begins (its subject), skipping comments,
    strings, IRIs and nested blank nodes."""
    starts: list[int] = []
    i, n = 0, len(text)
    at_start, depth = True, 0
    while i < n:
        char = text[i]
        if char == "#":
            newline = text.find("\n", i)
            i = n if newline < 0 else newline
            continue
        if char.isspace():
            i += 1
            continue
        if at_start and depth == 0:
            starts.append(i)
            at_start = False
        if char == "<":
            close = text.find(">", i)
            i = n if close < 0 else close + 1
            continue
        if char in "\"'":
            quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else char
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if text[j] == "\\" else 1
            i = j + len(quote)
            continue
        if char in "[(":
            depth += 1
        elif char in "])":
            depth = max(0, depth - 1)
        elif char == "." and depth == 0 and _ends_token(text, i + 1) and (
                i + 1 >= n or not text[i + 1].isdigit()):
            at_start = True
        i += 1
    return starts


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


class EntityLocator:
    """Answers "on which line is this entity written?" for one file's text."""

    def __init__(self, text: str, json: bool = False) -> None:
        self.text = text
        self.json = json
        self.prefixes = declared_prefixes(text)
        self._starts = [] if json else statement_starts(text)
        self._cache: dict[str, int | None] = {}

    def line(self, iri: str) -> int | None:
        if iri not in self._cache:
            self._cache[iri] = self._find(iri)
        return self._cache[iri]

    def _find(self, iri: str) -> int | None:
        tokens = spellings(iri, self.prefixes, self.json)
        for start in self._starts:  # first as a subject ...
            for token in tokens:
                if self.text.startswith(token, start) and _ends_token(self.text,
                                                                       start + len(token)):
                    return line_of(self.text, start)
        for token in tokens:  # ... else the first mention anywhere outside comments
            for match in re.finditer(re.escape(token), self.text):
                begin, end = match.span()
                line_start = self.text.rfind("\n", 0, begin) + 1
                if self.text[line_start:begin].lstrip().startswith("#") and not self.json:
                    continue
                before = self.text[begin - 1] if begin else " "
                if (before.isalnum() or before in "_-:") or not _ends_token(self.text, end):
                    continue
                return line_of(self.text, begin)
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


def locator_for(text: str, json: bool = False) -> EntityLocator | SubjectLineIndex:
    """The exact locator for contribution-sized texts, the line index for large ones."""
    if len(text) <= EXACT_LIMIT:
        return EntityLocator(text, json=json)
    return SubjectLineIndex(text, json=json)
