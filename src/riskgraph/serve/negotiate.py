"""Content negotiation: the format a client's ``Accept`` header (or a suffix) asks for."""

from __future__ import annotations

from riskgraph.io.formats import FORMATS, GRAPHS, RESULTS

# What each kind of answer is offered in, in order of preference (the first wins a tie).
RESULT_NAMES = tuple(RESULTS)
GRAPH_NAMES = tuple(GRAPHS)
ENTITY_NAMES = ("html", *GRAPHS)


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """(media range, q) pairs in the order of preference; a missing header accepts all."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges = []
    for i, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q, i))
    ranges.sort(key=lambda r: (-r[1], r[0].count("*"), r[2]))
    return [(m, q) for m, q, _ in ranges]


def _matches(media_range: str, media: str) -> bool:
    if media_range in ("*/*", "*"):
        return True
    if media_range.endswith("/*"):
        return media.startswith(media_range[:-1])
    return media_range == media


def choose(header: str | None, offered: tuple[str, ...]) -> str | None:
    """The offered format the client prefers (the first offered wins a tie); None: none."""
    best, best_key = None, None
    for rank, (media_range, q) in enumerate(parse_accept(header)):
        if q <= 0:
            continue
        for order, fmt in enumerate(offered):
            if any(_matches(media_range, m) for m in FORMATS[fmt].media):
                specific = 0 if "*" in media_range else 1
                key = (q, specific, -rank, -order)
                if best_key is None or key > best_key:
                    best, best_key = fmt, key
                break
    return best
