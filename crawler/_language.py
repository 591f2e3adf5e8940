"""Language codes: normalising declared ones and detecting one from text (py3langid)."""

from __future__ import annotations

from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

#: Below this many characters of text, detection is unreliable.
MIN_DETECTION_CHARS = 100
MIN_CONFIDENCE = 0.80
_SAMPLE_CHARS = 5000


@cache
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def load_language_model() -> None:
    """Load the detection model (about 75 MiB) now rather than on first use."""
    _identifier()


def release_language_model() -> None:
    """Drop the loaded model; the next detection loads it again."""
    _identifier.cache_clear()


def primary_subtag(code: str | None) -> str | None:
    """'en-GB', 'en_GB' and 'EN' → 'en'; empty or malformed → None."""
    if not code or not code.strip():
        return None
    subtag = code.strip().replace("_", "-").split("-")[0].lower()
    return subtag if subtag.isalpha() and 2 <= len(subtag) <= 3 else None


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of ``text``, or None when it is too short or the guess is unsure."""
    if len(text) < MIN_DETECTION_CHARS:
        return None
    language, confidence = _identifier().classify(text[:_SAMPLE_CHARS])
    return str(language) if confidence >= MIN_CONFIDENCE else None
