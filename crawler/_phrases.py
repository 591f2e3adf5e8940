"""Whole-word phrase matching in any script, for topic terms and the country gazetteer.

Text and phrases are folded the same way (NFKC, case folding, combining marks
such as Arabic harakat and Hebrew niqqud removed, Arabic tatweel removed, alef
variants unified, ``ё`` → ``е``, apostrophes unified) and split into ``\\w+``
tokens, so hyphens, spaces and punctuation between words are equivalent and
word boundaries hold in every script. Any word of a phrase may end in ``*``:
that word and any continuation of it (Russian case endings, French adjective
endings: ``Авраамов* соглашени*``). Arabic words also match with attached conjunctions, prepositions
and the article (``واتفاقيات``, ``للإمارات``); Hebrew words with attached
prefix letters (``בהסכמי``, ``לישראל``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Generic, TypeVar

K = TypeVar("K")

#: Words, and the punctuation that ends a phrase (a match never spans a comma or a full stop).
_TOKEN = re.compile(r"\w+|[.,;:!?()\[\]{}\"«»“”„،؛؟।]")
_BREAK = "\x00"
_CHARACTERS = str.maketrans({
    "’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'",
    "ـ": "", "\u00ad": "",  # tatweel, soft hyphen
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه",
    "ё": "е",
})
_ARABIC_PREFIXES = sorted(
    {a + b + c for a, b, c in product(("", "و", "ف"), ("", "ب", "ل", "ك"), ("", "ال"))} | {"لل", "ولل", "فلل"},
    key=len, reverse=True,
)
_ARABIC_PREFIXES.remove("")
_HEBREW_PREFIX_LETTERS = frozenset("והבלמשכ")
_MIN_STEM = 3


def fold(text: str) -> str:
    """The form text and phrases are compared in."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return text.casefold().translate(_CHARACTERS)


def tokenize(text: str) -> list[str]:
    """Folded words; phrase-breaking punctuation becomes a token no phrase contains."""
    return [token if token[0].isalnum() or token[0] == "_" else _BREAK for token in _TOKEN.findall(fold(text))]


def _is_arabic(token: str) -> bool:
    return "\u0600" <= token[0] <= "\u06ff"


def _is_hebrew(token: str) -> bool:
    return "\u0590" <= token[0] <= "\u05ff"


def variants(token: str) -> tuple[str, ...]:
    """The token and its forms without attached Arabic or Hebrew prefixes."""
    if token == _BREAK:
        return (token,)
    if _is_arabic(token):
        stripped = [token[len(p):] for p in _ARABIC_PREFIXES
                    if token.startswith(p) and len(token) - len(p) >= _MIN_STEM]
        return (token, *dict.fromkeys(stripped))
    if _is_hebrew(token):
        forms = [token]
        for size in (1, 2):
            head = token[:size]
            if len(token) - size >= _MIN_STEM and all(ch in _HEBREW_PREFIX_LETTERS for ch in head):
                forms.append(token[size:])
        return tuple(forms)
    return (token,)


def _phrase_token(token: str) -> str:
    """Arabic phrase words are kept without the article, as text variants are."""
    if _is_arabic(token) and token.startswith("ال") and len(token) - 2 >= _MIN_STEM:
        return token[2:]
    return token


@dataclass(frozen=True)
class _Phrase(Generic[K]):
    key: K
    words: tuple[str, ...]
    #: per word: whether it matches any word it begins (written with a trailing ``*``)
    prefixes: tuple[bool, ...]

    def matches_at(self, tokens: Sequence[tuple[str, ...]], start: int) -> bool:
        if start + len(self.words) > len(tokens):
            return False
        for offset, (word, prefix) in enumerate(zip(self.words, self.prefixes, strict=True)):
            forms = tokens[start + offset]
            if not (any(form.startswith(word) for form in forms) if prefix else word in forms):
                return False
        return True


class PhraseMatcher(Generic[K]):
    """Counts whole-phrase matches of many phrases, each tagged with a key."""

    def __init__(self, phrases: Iterable[tuple[K, str]]) -> None:
        self._exact: dict[str, list[_Phrase[K]]] = {}
        self._prefix: dict[str, list[_Phrase[K]]] = {}
        for key, text in phrases:
            phrase = self._compile(key, text)
            if phrase is None:
                continue
            first_word = phrase.words[0]
            if phrase.prefixes[0]:
                self._prefix.setdefault(first_word[:_MIN_STEM], []).append(phrase)
            else:
                self._exact.setdefault(first_word, []).append(phrase)

    @staticmethod
    def _compile(key: K, text: str) -> _Phrase[K] | None:
        words: list[str] = []
        prefixes: list[bool] = []
        for written in text.split():
            parts = [part for part in tokenize(written.rstrip("*")) if part != _BREAK]
            if not parts:
                continue
            words += [_phrase_token(part) for part in parts]
            prefixes += [False] * (len(parts) - 1) + [written.endswith("*")]
        if not words or any(p and len(w) < _MIN_STEM for w, p in zip(words, prefixes, strict=True)):
            return None
        return _Phrase(key, tuple(words), tuple(prefixes))

    def __bool__(self) -> bool:
        return bool(self._exact or self._prefix)

    def count(self, text: str) -> Counter[K]:
        """How many times each key's phrases occur (longest match first, no overlaps)."""
        found: Counter[K] = Counter()
        if not self or not text:
            return found
        tokens = [variants(token) for token in tokenize(text)]
        position = 0
        while position < len(tokens):
            best = self._longest_at(tokens, position)
            if best is None:
                position += 1
                continue
            found[best.key] += 1
            position += len(best.words)
        return found

    def _longest_at(self, tokens: Sequence[tuple[str, ...]], position: int) -> _Phrase[K] | None:
        best: _Phrase[K] | None = None
        for form in tokens[position]:
            candidates = self._exact.get(form, []) + self._prefix.get(form[:_MIN_STEM], [])
            for phrase in candidates:
                if (best is None or len(phrase.words) > len(best.words)) and phrase.matches_at(tokens, position):
                    best = phrase
        return best
