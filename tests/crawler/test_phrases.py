from __future__ import annotations

import pytest

from crawler._phrases import PhraseMatcher, fold

PHRASES = [
    ("accords", "Abraham Accords"),
    ("accords", "اتفاقيات أبراهام"),
    ("accords", "الاتفاقيات الإبراهيمية"),
    ("accords", "הסכמי אברהם"),
    ("accords", "accords d'Abraham"),
    ("accords", "Авраамов* соглашени*"),
    ("accords", "соглашени* Авраама"),
    ("abkommen", "Abraham-Abkommen"),
    ("israel", "Израил*"),
    ("emirates", "الإمارات"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The ABRAHAM  accords at five", {"accords": 1}),
        ("Abraham-Accords and Abraham Accords", {"accords": 2}),
        ("واتفاقيات أبراهام", {"accords": 1}),  # attached conjunction
        ("بالاتفاقيات الإبراهيمية", {"accords": 1}),  # preposition + article
        ("اتفاقيـات أَبْراهام", {"accords": 1}),  # tatweel and harakat
        ("اتفاقيات ابراهام", {"accords": 1}),  # hamza-less alef
        ("בהסכמי אברהם", {"accords": 1}),  # Hebrew prefix letter
        ("הֶסְכֵּמֵי אַבְרָהָם", {"accords": 1}),  # niqqud
        ("des accords d’Abraham", {"accords": 1}),  # curly apostrophe
        ("Авраамовых соглашений", {"accords": 1}),  # Russian cases
        ("в рамках соглашений Авраама", {"accords": 1}),
        ("Abraham Abkommen", {"abkommen": 1}),  # space for hyphen
        ("Израиля и Израилем", {"israel": 2}),
        ("للإمارات والإمارات", {"emirates": 2}),
        ("Abraham Accordsville", {}),  # word boundary
        ("Abraham Lincoln accords", {}),
        ("ليبراهام", {}),
    ],
)
def test_matching_survives_real_text(text: str, expected: dict[str, int]) -> None:
    assert dict(PhraseMatcher(PHRASES).count(text)) == expected


def test_longest_phrase_wins_without_overlap() -> None:
    matcher = PhraseMatcher([("short", "Abraham"), ("long", "Abraham Accords")])
    assert dict(matcher.count("Abraham Accords; Abraham")) == {"long": 1, "short": 1}


def test_fold_unifies_forms() -> None:
    assert fold("ＡＢＲＡＨＡＭ ’") == "abraham '"
    assert fold("إسرائيـل") == fold("اسرائيل")
    assert fold("Ёлка") == "елка"
