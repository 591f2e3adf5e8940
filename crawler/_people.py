"""Cleaning author bylines into a list of person names."""

from __future__ import annotations

import re
from collections.abc import Iterable

_SEPARATORS = re.compile(r"\s*(?:;|,|&|\band\b|\bund\b|\bet\b|\bи\b|\sو\s|\|)\s*", re.IGNORECASE)
_BY = re.compile(r"^(?:by|par|von|от|автор:?|بقلم|מאת)\s+", re.IGNORECASE)
_NOT_A_NAME = re.compile(r"@|https?://|www\.|^\d+$")


def clean_authors(raw: Iterable[str], organisations: Iterable[str] = ()) -> list[str]:
    """Person names from bylines: "By A and B", "A, B & C"; no e-mails, URLs or organisation names."""
    names: list[str] = []
    seen: set[str] = set()
    blocked = {name.casefold() for name in organisations}
    for byline in raw:
        for part in _SEPARATORS.split(" ".join(byline.split())):
            name = _BY.sub("", part).strip(" .-–—:")
            key = name.casefold()
            if not name or _NOT_A_NAME.search(name) or key in blocked or key in seen:
                continue
            seen.add(key)
            names.append(name)
    return names
