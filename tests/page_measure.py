"""Measure a graph page's readability in a browser: label overlap and labelled answer.

The measurement is the JavaScript function in ``page_measure.js`` (documented there),
which reads ``window.riskgraph`` and canvas text metrics. With Playwright::

    from page_measure import label_stats
    stats = label_stats(page)   # a playwright Page showing a riskgraph graph page
    stats.overlap_share, stats.answer_share

or paste the function into the browser console: ``(<contents of page_measure.js>)()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

LABEL_STATS_JS = (Path(__file__).resolve().parent / "page_measure.js").read_text(encoding="utf-8")
OVERLAP_SHARE_MAX = 0.05  # at most this share of drawn labels may meet another label
ANSWER_SHARE_MIN = 0.60  # at least this share of the answer's entities must be labelled


@dataclass(frozen=True)
class LabelStats:
    drawn: int
    overlapping: int
    overlap_share: float
    answer: int
    answer_labelled: int
    answer_share: float
    scale: float
    width: float
    height: float

    def readable(self) -> bool:
        return self.overlap_share <= OVERLAP_SHARE_MAX and self.answer_share >= ANSWER_SHARE_MIN


def label_stats(page) -> LabelStats:
    """The label statistics of the graph page open in ``page`` at its current view."""
    raw = page.evaluate(LABEL_STATS_JS)
    return LabelStats(raw["drawn"], raw["overlapping"], raw["overlapShare"], raw["answer"],
                      raw["answerLabelled"], raw["answerShare"], raw["scale"], raw["width"],
                      raw["height"])
