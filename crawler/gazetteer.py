"""Which countries an article mentions, from the gazetteer in ``crawler/data/countries.json``.

Names, demonyms and capitals in English, Arabic, Hebrew, French, Russian (and
some German and Turkish), matched with the same rules as topic terms
(``crawler/_phrases.py``); ``crawler/data/README.md`` describes the data.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from crawler._phrases import PhraseMatcher

GAZETTEER_FILE = "countries.json"


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    forms: tuple[str, ...]


class Gazetteer:
    def __init__(self, countries: dict[str, Country]) -> None:
        self.countries = countries
        self._matcher = PhraseMatcher((c.code, form) for c in countries.values() for form in c.forms)

    def count(self, *texts: str) -> Counter[str]:
        """Mentions per ISO 3166-1 alpha-2 code across ``texts``."""
        total: Counter[str] = Counter()
        for text in texts:
            total.update(self._matcher.count(text))
        return total

    def forms(self, code: str) -> tuple[str, ...]:
        return self.countries[code].forms


@cache
def gazetteer() -> Gazetteer:
    raw = json.loads(files("crawler").joinpath("data", GAZETTEER_FILE).read_text(encoding="utf-8"))
    return Gazetteer({
        code: Country(code=code, name=entry["name"],
                      forms=tuple(dict.fromkeys(f for forms in entry["forms"].values() for f in forms)))
        for code, entry in raw.items()
    })
