"""The language of an article: detected from its text, else declared by the page, else the hint."""

from __future__ import annotations

from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

#: Below this many characters of text, detection is unreliable and the page's declaration wins.
MIN_DETECTION_CHARS = 100
MIN_CONFIDENCE = 0.80


@cache
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def primary_subtag(code: str | None) -> str | None:
    """'en-GB' and 'en_GB' → 'en'; empty → None."""
    if not code or not code.strip():
        return None
    return code.strip().replace("_", "-").split("-")[0].lower() or None


def detect_language(text: str, declared: str | None, hint: str | None) -> str | None:
    declared = primary_subtag(declared)
    if len(text) >= MIN_DETECTION_CHARS:
        language, confidence = _identifier().classify(text[:5000])
        if confidence >= MIN_CONFIDENCE:
            return str(language)
    return declared or primary_subtag(hint)
