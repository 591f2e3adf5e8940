"""Topic relevance: does an article match the configured topic, how strongly, on which terms, by which rule.

Rules, in order (the ``rule`` of a verdict names the one that decided):

1. ``excluded by '…'``: an ``exclude_terms`` phrase occurs anywhere → not relevant.
2. ``terms``: the weighted count of ``terms`` (plus ``terms_by_language`` for
   the article's language) reaches ``min_score`` → relevant. Weights: title 3,
   description 2, body 1 in its first half and 0.5 in its second half, so a
   passing mention in the last paragraph alone does not make a story.
3. ``terms+context``: when two or more ``context_terms`` groups occur in the
   lead (title, description, body's first half), each adds ``context_weight``
   (twice if it is in the title) to the term score; reaching ``min_score`` then
   makes the article relevant: a single mention of the accords in an article
   whose lead is about Israel and a member state counts; the same mention in an
   election story about Israel alone does not.
4. ``context``: at least ``min_context`` context groups occur in the lead →
   relevant, whether or not a term does (e.g. "normalization" + Israel + a Gulf
   or Central Asian state). ``country:XX`` stands for the gazetteer's forms of
   that country.
5. otherwise ``below threshold`` (some term or context, too weakly) or ``no match``.

Matching (crawler/_phrases.py) survives case, Unicode forms, Arabic diacritics,
tatweel and attached prefixes, Hebrew niqqud and prefix letters, hyphen and
apostrophe variants; ``*`` ends a word stem (``Авраамов* соглашени*``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from crawler._phrases import PARAGRAPH_BREAK, PhraseMatcher, index_from_parts
from crawler.config import COUNTRY_PREFIX
from crawler.gazetteer import gazetteer

if TYPE_CHECKING:
    from crawler.config import TopicConfig

TITLE_WEIGHT = 3.0
DESCRIPTION_WEIGHT = 2.0
BODY_LEAD_WEIGHT = 1.0
BODY_TAIL_WEIGHT = 0.5

RULE_EXCLUDED = "excluded"
RULE_TERMS = "terms"
RULE_CONTEXT = "context"
RULE_TERMS_AND_CONTEXT = "terms+context"
RULE_BELOW_THRESHOLD = "below threshold"
RULE_NO_MATCH = "no match"


@dataclass(frozen=True)
class Verdict:
    relevant: bool
    score: float
    rule: str
    #: term → where it matched → count, e.g. {"Abraham Accords": {"title": 1, "body": 2}};
    #: context terms appear too, so the verdict can be audited.
    matched_terms: dict[str, dict[str, int]] = field(default_factory=dict)
    excluded_by: str | None = None


@dataclass(frozen=True)
class _Fields:
    """An article's text split the way it is weighed."""

    parts: tuple[tuple[str, str, float], ...]  # (place, text, weight)

    @classmethod
    def of(cls, title: str, description: str | None, body: str) -> _Fields:
        paragraphs = [p for p in body.split(PARAGRAPH_BREAK) if p.strip()]
        lead = max(1, (len(paragraphs) + 1) // 2)
        halves = PARAGRAPH_BREAK.join(paragraphs[:lead]), PARAGRAPH_BREAK.join(paragraphs[lead:])
        index_from_parts(body, halves if halves[1] else halves[:1])  # the gazetteer then reads the body's tokens
        return cls((
            ("title", title, TITLE_WEIGHT),
            ("description", description or "", DESCRIPTION_WEIGHT),
            ("body", halves[0], BODY_LEAD_WEIGHT),
            ("body", halves[1], BODY_TAIL_WEIGHT),
        ))


class TopicMatcher:
    def __init__(self, topic: TopicConfig) -> None:
        self.topic = topic
        every_language = [term for terms in topic.terms_by_language.values() for term in terms]
        self._terms_for = {
            language: PhraseMatcher((term, term) for term in (*topic.terms, *terms))
            for language, terms in topic.terms_by_language.items()
        }
        self._terms_any = PhraseMatcher((term, term) for term in (*topic.terms, *every_language))
        self._terms_common = PhraseMatcher((term, term) for term in topic.terms)
        self._excludes = PhraseMatcher((term, term) for term in topic.exclude_terms)
        self._context = PhraseMatcher(
            (entry, form) for group in topic.context_groups for entry in group for form in _forms(entry)
        )
        self._group_of = {entry: index for index, group in enumerate(topic.context_groups) for entry in group}

    def judge(
        self, title: str, description: str | None, body: str, language: str | None = None
    ) -> Verdict:
        fields = _Fields.of(title, description, body)
        for _, text, _ in fields.parts:
            excluded = next(iter(self._excludes.count(text)), None)
            if excluded is not None:
                return Verdict(False, 0.0, f"{RULE_EXCLUDED} by {excluded!r}", excluded_by=excluded)
        matched: dict[str, dict[str, int]] = {}
        score = 0.0
        for place, text, weight in fields.parts:
            for term, count in self._term_counts(text, language).items():
                places = matched.setdefault(term, {})
                places[place] = places.get(place, 0) + count
                score += weight * count
        if score >= self.topic.min_score:
            return Verdict(True, score, RULE_TERMS, matched)
        groups: set[int] = set()
        in_title: set[int] = set()
        for place, text, weight in fields.parts:
            if weight < BODY_LEAD_WEIGHT:
                continue  # context counts in the title, the description and the body's first half only
            for entry, count in self._context.count(text).items():
                places = matched.setdefault(entry, {})
                places[place] = places.get(place, 0) + count
                groups.add(self._group_of[entry])
                if place == "title":
                    in_title.add(self._group_of[entry])
        if self._context and len(groups) >= self.topic.min_context:
            return Verdict(True, score + len(groups), RULE_CONTEXT, matched)
        # Context adds to a term only when two or more groups frame the lead (a bilateral story), and a
        # group named in the title counts twice: the title says what the article is about.
        bonus = self.topic.context_weight * (len(groups) + len(in_title)) if len(groups) >= 2 else 0.0
        combined = score + bonus
        if score > 0 and combined >= self.topic.min_score:
            return Verdict(True, combined, RULE_TERMS_AND_CONTEXT, matched)
        return Verdict(False, combined, RULE_BELOW_THRESHOLD if matched else RULE_NO_MATCH, matched)

    def may_match(self, *texts: str | None) -> bool:
        """Whether a feed or sitemap entry's title and description name a topic term (any language) or a
        context entry: the pre-fetch filter's test (``prefilter = true``). An article whose title and
        description name neither could still match by its body; the filter trades such misses for requests."""
        text = " ".join(part for part in texts if part)
        return bool(self._terms_any.count(text)) or bool(self._context.count(text))

    def _term_counts(self, text: str, language: str | None) -> Counter[str]:
        """``terms``, plus ``terms_by_language`` of the article's language (all of them when unknown)."""
        if language is None:
            return self._terms_any.count(text)
        return self._terms_for.get(language, self._terms_common).count(text)


def _forms(entry: str) -> tuple[str, ...]:
    if entry.startswith(COUNTRY_PREFIX):
        return gazetteer().forms(entry.removeprefix(COUNTRY_PREFIX))
    return (entry,)
