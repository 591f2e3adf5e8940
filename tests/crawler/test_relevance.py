from __future__ import annotations

import pytest

from crawler.config import TopicConfig
from crawler.relevance import TopicMatcher

TOPIC = TopicConfig(
    terms=("Abraham Accords", "accords d'Abraham", "اتفاقيات أبراهام", "הסכמי אברהם", "Авраамов* соглашени*"),
    terms_by_language={"fr": ("accords Abraham",)},
    context_terms=(("normalization", "normalisation", "تطبيع"), ("Israel", "Israeli", "إسرائيل"),
                   ("UAE", "Emirati", "الإمارات", "Kazakhstan")),
    min_context=3,
    exclude_terms=("Abraham Accords Crossword",),
)
PARAGRAPH = "Officials met on Tuesday to discuss trade, flights and tourism between the two countries."


def body(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


@pytest.mark.parametrize(
    ("title", "text", "term"),
    [
        ("The ABRAHAM   ACCORDS at five", "", "Abraham Accords"),
        ("", "Les accords d’Abraham, signés en 2020.", "accords d'Abraham"),
        ("", "تحتفل الإمارات بذكرى اتفاقيات أبراهام اليوم", "اتفاقيات أبراهام"),
        ("", "חמש שנים להסכמים: בהסכמי אברהם.", "הסכמי אברהם"),
        ("", "Казахстан присоединился к Авраамовым соглашениям.", "Авраамов* соглашени*"),
    ],
)
def test_terms_match_in_every_script(title: str, text: str, term: str) -> None:
    verdict = TopicMatcher(TOPIC).judge(title, None, text)
    assert (verdict.relevant, verdict.rule) == (True, "terms")
    assert term in verdict.matched_terms


@pytest.mark.parametrize(
    "text",
    ["Abraham Accordsville is a town.", "Abraham Serfaty et les accords commerciaux.", "Abraham Lincoln"],
)
def test_word_boundaries_and_whole_phrases(text: str) -> None:
    verdict = TopicMatcher(TOPIC).judge("Unrelated", None, text)
    assert (verdict.relevant, verdict.rule, verdict.matched_terms) == (False, "no match", {})


def test_score_weights_title_description_and_body_position() -> None:
    matcher = TopicMatcher(TOPIC)
    verdict = matcher.judge("Abraham Accords at five", "The Abraham Accords",
                            body("abraham accords, Abraham Accords.", PARAGRAPH))
    assert verdict.matched_terms == {"Abraham Accords": {"title": 1, "description": 1, "body": 2}}
    assert verdict.score == 3.0 + 2.0 + 2 * 1.0


def test_a_passing_mention_at_the_end_is_below_the_threshold_on_both_sides() -> None:
    matcher = TopicMatcher(TOPIC)
    late = matcher.judge("Gaza talks", None, body(PARAGRAPH, PARAGRAPH, PARAGRAPH, "Recall the Abraham Accords."))
    assert (late.relevant, late.score, late.rule) == (False, 0.5, "below threshold")
    early = matcher.judge("Gaza talks", None, body("Recall the Abraham Accords.", PARAGRAPH, PARAGRAPH, PARAGRAPH))
    assert (early.relevant, early.score, early.rule) == (True, 1.0, "terms")
    twice_late = matcher.judge("x", None, body(PARAGRAPH, PARAGRAPH, "Abraham Accords.", "Abraham Accords."))
    assert (twice_late.relevant, twice_late.score) == (True, 1.0)


def test_min_score_is_configurable() -> None:
    strict = TopicMatcher(TOPIC.model_copy(update={"min_score": 3.0}))
    assert not strict.judge("x", None, body("Abraham Accords and Abraham Accords.")).relevant
    assert strict.judge("Abraham Accords", None, "").relevant


def test_context_rule_needs_min_context_groups() -> None:
    matcher = TopicMatcher(TOPIC)
    three = matcher.judge("Israel and the UAE deepen normalization", None, PARAGRAPH)
    assert (three.relevant, three.rule, three.score) == (True, "context", 3.0)
    assert set(three.matched_terms) == {"normalization", "Israel", "UAE"}
    two = matcher.judge("Israel and the UAE sign a water deal", None, PARAGRAPH)
    assert (two.relevant, two.rule) == (False, "below threshold")


def test_a_weak_term_counts_with_context_in_the_lead_on_both_sides_of_the_threshold() -> None:
    matcher = TopicMatcher(TOPIC.model_copy(update={"min_score": 1.5, "context_weight": 0.25}))
    mention = "The Abraham Accords were cited."
    in_title = matcher.judge("Israel and the UAE open a trade office", None, body(mention, PARAGRAPH))
    assert (in_title.relevant, in_title.rule, in_title.score) == (True, "terms+context", 1.0 + 4 * 0.25)
    in_lead = matcher.judge("Trade office opens", None, body(mention + " Israel and the UAE agreed.", PARAGRAPH))
    assert (in_lead.relevant, in_lead.rule, in_lead.score) == (True, "terms+context", 1.0 + 2 * 0.25)
    one_group = matcher.judge("Israel votes in March", None, body(mention, PARAGRAPH))
    assert (one_group.relevant, one_group.rule, one_group.score) == (False, "below threshold", 1.0)
    late_context = matcher.judge("Trade office opens", None, body(mention, PARAGRAPH, "Israel and the UAE.", "x."))
    assert (late_context.relevant, late_context.score) == (False, 1.0)
