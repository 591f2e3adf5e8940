"""The article-extraction-benchmark's body metric, written from its description.

Each text is split into ``\\w+`` tokens; 4-token shingles are counted on both
sides; per page, true positives, false positives and false negatives are
normalised to sum to 1; precision and recall are averaged over the pages
(pages where they are undefined are left out) and F1 is taken of the two means.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

SHINGLE_SIZE = 4
_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class PageScore:
    tp: float
    fp: float
    fn: float


@dataclass(frozen=True)
class BodyScore:
    precision: float
    recall: float
    f1: float


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1))
                   if tokens[i : i + size])


def page_score(true: str, predicted: str) -> PageScore:
    expected, got = shingles(true), shingles(predicted)
    tp = float(sum((expected & got).values()))
    fp = float(sum((got - expected).values()))
    fn = float(sum((expected - got).values()))
    total = tp + fp + fn
    return PageScore(tp / total, fp / total, fn / total) if total else PageScore(0.0, 0.0, 0.0)


def body_score(pages: Sequence[PageScore]) -> BodyScore:
    precision = statistics.mean(_precision(p) for p in pages if p.tp + p.fp > 0)
    recall = statistics.mean(_recall(p) for p in pages if p.tp + p.fn > 0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BodyScore(precision, recall, f1)


def _precision(page: PageScore) -> float:
    if page.fp == page.fn == 0:
        return 1.0
    return page.tp / (page.tp + page.fp)


def _recall(page: PageScore) -> float:
    if page.fp == page.fn == 0:
        return 1.0
    return page.tp / (page.tp + page.fn)
