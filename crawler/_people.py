"""Cleaning author bylines into a list of person names."""

from __future__ import annotations

import re
from collections.abc import Iterable

from crawler._text import strip_markup

_SEPARATORS = re.compile(r"\s*(?:;|,|&|\||\band\b|\bund\b|\bet\b|\bи\b|\by\b|\sو\s*|\sו(?=\S))\s*", re.IGNORECASE)
_BY = re.compile(r"^(?:by|par|von|por|от|автор[ыи]?|текст|بقلم|كتب|كتبت|מאת|כתבו?)\s*:?\s+", re.IGNORECASE)
_PARENTHESES = re.compile(r"\([^)]*\)")
_DATELINE = re.compile(r"\s+[-–—]\s+.*$")
_NOT_A_NAME = re.compile(r"@|https?://|www\.|\d")
#: bylines that name a desk or an agency, not a person
GENERIC_BYLINES = frozenset({
    "staff", "staff writer", "staff reporter", "our correspondent", "correspondent", "agencies", "agency",
    "news desk", "web desk", "editorial", "editorial board", "the editors", "wire services", "afp", "ap",
    "reuters", "associated press", "rédaction", "la rédaction", "редакция", "المحرر", "هيئة التحرير", "מערכת",
})


def clean_authors(raw: Iterable[str], organisations: Iterable[str] = ()) -> list[str]:
    """Person names from bylines: "By A and B", "A, B & C"; no e-mails, URLs, desks or organisation names."""
    names: list[str] = []
    seen: set[str] = set()
    blocked = {name.casefold() for name in organisations} | GENERIC_BYLINES
    for byline in raw:
        text = _PARENTHESES.sub(" ", " ".join(strip_markup(byline).split()))
        for part in _SEPARATORS.split(_BY.sub("", text.strip())):
            name = _DATELINE.sub("", _BY.sub("", part.strip())).strip(" .-–—:")
            key = name.casefold()
            if not name or _NOT_A_NAME.search(name) or key in blocked or key in seen or len(name.split()) > 5:
                continue
            seen.add(key)
            names.append(name)
    return names
