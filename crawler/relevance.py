"""Topic relevance: does an article match the configured topic, how strongly, and on which terms.

Terms are phrases matched case-insensitively on word boundaries in any script,
after Unicode NFKC folding and unifying apostrophes, quotes and dashes. A match
in the title weighs more than one in the description, which weighs more than
one in the body. Any ``exclude_terms`` match makes the article irrelevant.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crawler.config import TopicConfig

FIELD_WEIGHTS = {"title": 3.0, "description": 2.0, "body": 1.0}
_PUNCTUATION = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "‐": "-", "‑": "-",
                              "–": "-", "—": "-", "\u00ad": ""})


@dataclass(frozen=True)
class Verdict:
    relevant: bool
    score: float
    #: term → where it matched → count, e.g. {"Abraham Accords": {"title": 1, "body": 2}}
    matched_terms: dict[str, dict[str, int]] = field(default_factory=dict)
    excluded_by: str | None = None


def fold(text: str) -> str:
    """The form both terms and text are compared in."""
    return unicodedata.normalize("NFKC", text).translate(_PUNCTUATION).casefold()


class TopicMatcher:
    def __init__(self, topic: TopicConfig) -> None:
        self._terms = _PhraseSet(topic.terms)
        self._excludes = _PhraseSet(topic.exclude_terms)

    def judge(self, title: str, description: str | None, body: str) -> Verdict:
        fields = {"title": title, "description": description or "", "body": body}
        for text in fields.values():
            excluded = self._excludes.first(text)
            if excluded:
                return Verdict(relevant=False, score=0.0, excluded_by=excluded)
        matched: dict[str, dict[str, int]] = {}
        score = 0.0
        for name, text in fields.items():
            for term, count in self._terms.count(text).items():
                matched.setdefault(term, {})[name] = count
                score += FIELD_WEIGHTS[name] * count
        return Verdict(relevant=bool(matched), score=score, matched_terms=matched)


class _PhraseSet:
    """Whole-phrase matching of many phrases with one regular expression."""

    def __init__(self, phrases: tuple[str, ...]) -> None:
        self._by_key: dict[str, str] = {}
        for phrase in phrases:
            self._by_key.setdefault(self._key(fold(phrase)), phrase)
        alternatives = sorted(self._by_key, key=len, reverse=True)
        body = "|".join(r"\s+".join(map(re.escape, key.split(" "))) for key in alternatives)
        self._pattern = re.compile(rf"(?<!\w)(?:{body})(?!\w)") if alternatives else None

    @staticmethod
    def _key(folded: str) -> str:
        return " ".join(folded.split())

    def count(self, text: str) -> Counter[str]:
        if self._pattern is None or not text:
            return Counter()
        return Counter(self._by_key[self._key(m.group())] for m in self._pattern.finditer(fold(text)))

    def first(self, text: str) -> str | None:
        if self._pattern is None or not text:
            return None
        match = self._pattern.search(fold(text))
        return self._by_key[self._key(match.group())] if match else None
