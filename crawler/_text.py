"""Plain text out of declared values: markup and scripts never reach a stored field."""

from __future__ import annotations

import re

_SCRIPT = re.compile(r"<(script|style)\b.*?(</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")


def strip_markup(text: str) -> str:
    """``text`` without tags, and without the content of ``<script>``/``<style>`` elements."""
    return _TAG.sub(" ", _SCRIPT.sub(" ", text))
