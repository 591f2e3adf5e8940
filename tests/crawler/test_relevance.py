from __future__ import annotations

import pytest

from crawler.config import TopicConfig
from crawler.relevance import TopicMatcher

TOPIC = TopicConfig(
    terms=("Abraham Accords", "accords d'Abraham", "اتفاقيات أبراهام", "הסכמי אברהם", "Авраамовы соглашения"),
    exclude_terms=("Abraham Accords Crossword",),
)


@pytest.mark.parametrize(
    ("title", "body", "term"),
    [
        ("The ABRAHAM   ACCORDS at five", "", "Abraham Accords"),
        ("", "Les accords d’Abraham, signés en 2020.", "accords d'Abraham"),
        ("", "تحتفل الإمارات بذكرى اتفاقيات أبراهام اليوم", "اتفاقيات أبراهام"),
        ("", "חמש שנים להסכמים: הסכמי אברהם.", "הסכמי אברהם"),
        ("", "Авраамовы соглашения расширяются.", "Авраамовы соглашения"),
    ],
)
def test_terms_match_in_every_script(title: str, body: str, term: str) -> None:
    verdict = TopicMatcher(TOPIC).judge(title, None, body)
    assert verdict.relevant
    assert term in verdict.matched_terms


@pytest.mark.parametrize(
    "body",
    ["Abraham Accordsville is a town.", "Abraham Serfaty et les accords commerciaux.", "Abraham Lincoln"],
)
def test_word_boundaries_and_whole_phrases(body: str) -> None:
    assert not TopicMatcher(TOPIC).judge("Unrelated", None, body).relevant


def test_score_weights_title_over_body_and_counts_places() -> None:
    matcher = TopicMatcher(TOPIC)
    verdict = matcher.judge("Abraham Accords at five", "The Abraham Accords", "abraham accords, Abraham Accords.")
    assert verdict.matched_terms == {"Abraham Accords": {"title": 1, "description": 1, "body": 2}}
    assert verdict.score == 3.0 + 2.0 + 2 * 1.0
    assert matcher.judge("x", None, "Abraham Accords").score == 1.0


def test_exclude_terms_win() -> None:
    verdict = TopicMatcher(TOPIC).judge("Abraham Accords crossword", None, "Abraham Accords")
    assert (verdict.relevant, verdict.excluded_by) == (False, "Abraham Accords Crossword")
