from __future__ import annotations

import unicodedata

import pytest

from crawler._phrases import _CHARACTERS, PhraseMatcher, fold

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


def _fold_by_definition(text: str) -> str:
    """fold as specified: NFKC, every Mn character dropped one by one, case folded, forms unified."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return text.casefold().translate(_CHARACTERS)


@pytest.mark.parametrize(
    "text",
    [
        "plain ascii, Abraham Accords.",
        "הֶסְכֵּמֵי אַבְרָהָם",  # niqqud (Basic Multilingual Plane marks)
        "اتفاقيـات أَبْراهام",  # harakat and tatweel
        "café naïve e\u0301",  # precomposed, and a mark NFKC composes
        "x\U0001d167y\U000e0100z\U00011001",  # marks above the BMP: a musical combining mark, a variation selector
        "İstanbul ΐ",  # case folding that produces combining marks keeps them, as before
    ],
)
def test_fold_drops_every_combining_mark_as_defined(text: str) -> None:
    assert fold(text) == _fold_by_definition(text)


def test_fold_drops_all_the_marks_of_every_plane() -> None:
    marks = "".join(chr(c) for c in range(0x110000)
                    if not 0xD800 <= c <= 0xDFFF and unicodedata.category(chr(c)) == "Mn")
    assert len(marks) > 1000
    assert fold(marks) == _fold_by_definition(marks) == ""
    assert fold(f"x {marks} y") == "x  y"


def test_several_matchers_on_one_text_count_alike() -> None:
    """The token index of a text is shared between matchers: each still counts only its own phrases."""
    text = "Abraham Accords; the Emirates (الإمارات) and Israel (Израиль) signed the Abraham Accords."
    accords = PhraseMatcher([("accords", "Abraham Accords")])
    countries = PhraseMatcher([("ae", "الإمارات"), ("ae", "Emirates"), ("il", "Израил*"), ("il", "Israel")])
    assert dict(accords.count(text)) == {"accords": 2}
    assert dict(countries.count(text)) == {"ae": 2, "il": 2}
    assert dict(PhraseMatcher([("none", "Oslo Accords")]).count(text)) == {}
