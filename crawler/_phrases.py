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
import threading
import unicodedata
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cache, lru_cache
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


@lru_cache(maxsize=16)
def fold(text: str) -> str:
    """The form text and phrases are compared in (cached: a page's body is folded by the topic
    matcher, the gazetteer and the fingerprint)."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        basic, supplementary = _combining_marks()
        text = basic.sub("", text)
        if max(text, default="") > "\uffff":
            text = supplementary.sub("", text)
    return text.casefold().translate(_CHARACTERS)


@cache
def _combining_marks() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Every character of category Mn: those of the Basic Multilingual Plane, and those above it.

    Built on first use (a pass over the planes takes about 60 ms). The two are kept apart because a
    class of Basic Multilingual Plane characters is a bitmap lookup for ``re``, thirty times faster
    than a class that also spans the higher planes.
    """
    ranges: list[tuple[int, int]] = []
    for code in (*range(0x00000, 0x40000), *range(0xE0000, 0xF0000)):  # the planes that hold marks
        if unicodedata.category(chr(code)) != "Mn":
            continue
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))

    def character_class(pieces: list[tuple[int, int]]) -> re.Pattern[str]:
        return re.compile("[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in pieces) + "]")

    return (character_class([r for r in ranges if r[1] <= 0xFFFF]),
            character_class([r for r in ranges if r[0] > 0xFFFF]))


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


#: how many texts' token indexes are kept (a page's title, description, body and the body's halves)
_KEPT_INDEXES = 16
#: paragraph separator: no token spans it
PARAGRAPH_BREAK = "\n\n"


class _TokenIndex:
    """A text's tokens, each with its variants, and the set of forms and of stems that occur in it."""

    def __init__(self, forms: list[tuple[str, ...]]) -> None:
        self.forms = forms
        self.form_set = {form for forms in self.forms for form in forms}
        self.stem_set = {form[:_MIN_STEM] for form in self.form_set}

    def positions(self, words: AbstractSet[str], stems: AbstractSet[str]) -> Iterator[int]:
        """The positions, in order, of the tokens with one of ``words`` or of ``stems`` among their forms."""
        hit_words, hit_stems = words & self.form_set, stems & self.stem_set
        if not hit_words and not hit_stems:
            return
        hits = {form for form in self.form_set if form in hit_words or form[:_MIN_STEM] in hit_stems}
        for position, forms in enumerate(self.forms):
            if forms[0] in hits or (len(forms) > 1 and not hits.isdisjoint(forms)):
                yield position


class _Indexes:
    """The token indexes of the last texts matched: a page's texts are matched by several matchers."""

    def __init__(self) -> None:
        self._kept: OrderedDict[str, _TokenIndex] = OrderedDict()
        #: text → the parts it is made of, joined by ``PARAGRAPH_BREAK`` (``index_from_parts``)
        self._parts: OrderedDict[str, tuple[str, ...]] = OrderedDict()
        self._lock = threading.RLock()

    def of(self, text: str) -> _TokenIndex:
        with self._lock:
            index = self._kept.get(text)
            if index is None:
                parts = self._parts.pop(text, None)
                if parts is None:
                    index = _TokenIndex([_variants(token) for token in tokenize(text)])
                else:  # tokens never span a paragraph break: the text's are its parts' in a row
                    index = _TokenIndex([forms for part in parts for forms in self.of(part).forms])
                self._kept[text] = index
                if len(self._kept) > _KEPT_INDEXES:
                    self._kept.popitem(last=False)
            return index

    def note_parts(self, text: str, parts: tuple[str, ...]) -> None:
        with self._lock:
            self._parts[text] = parts
            if len(self._parts) > _KEPT_INDEXES:
                self._parts.popitem(last=False)


_INDEXES = _Indexes()


def index_from_parts(text: str, parts: tuple[str, ...]) -> None:
    """Note that ``text`` is ``parts`` joined by ``PARAGRAPH_BREAK``, so that matching it reuses the parts' tokens.

    The topic matcher reads a body in two halves and the gazetteer reads it whole: this way the body is
    folded and split into tokens once. (Folding never joins characters across a line break, a starter
    that composes with nothing, and no token holds one, so the whole text's tokens are its parts' in a row;
    tests/crawler/test_phrases.py checks it on Latin, Arabic and Hebrew text with marks and an emoji.)
    """
    if PARAGRAPH_BREAK.join(parts) == text:
        _INDEXES.note_parts(text, parts)


@lru_cache(maxsize=8192)
def _variants(token: str) -> tuple[str, ...]:
    return variants(token)


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
        tokens = _INDEXES.of(text)
        next_free = 0
        for position in tokens.positions(self._exact.keys(), self._prefix.keys()):
            if position < next_free:
                continue
            best = self._longest_at(tokens.forms, position)
            if best is not None:
                found[best.key] += 1
                next_free = position + len(best.words)
        return found

    def _longest_at(self, tokens: Sequence[tuple[str, ...]], position: int) -> _Phrase[K] | None:
        best: _Phrase[K] | None = None
        for form in tokens[position]:
            candidates = self._exact.get(form, []) + self._prefix.get(form[:_MIN_STEM], [])
            for phrase in candidates:
                if (best is None or len(phrase.words) > len(best.words)) and phrase.matches_at(tokens, position):
                    best = phrase
        return best
