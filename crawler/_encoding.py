"""A page's text when its bytes and its declared charset disagree.

Scrapy decodes with the declared charset (BOM, then the Content-Type header,
then ``<meta charset>``). Sites get that wrong both ways: legacy
windows-1256 or windows-1251 bytes declared as UTF-8 (Scrapy's text is then
mostly U+FFFD), and UTF-8 bytes declared as a legacy charset (the text is
then mojibake). Two checks put it right:

- bytes that are valid UTF-8 and not plain ASCII are UTF-8, whatever the
  declaration says (legacy-encoded text is practically never valid UTF-8);
- bytes declared as UTF-8 of which more than ``MAX_BAD_UTF8_SHARE`` of the
  non-ASCII characters are invalid are decoded with the charset that
  charset_normalizer detects. A page with a few stray bytes stays UTF-8.
"""

from __future__ import annotations

import codecs

import charset_normalizer
from scrapy.http import TextResponse

#: share of the non-ASCII characters that may be invalid before a page declared UTF-8 is re-detected
MAX_BAD_UTF8_SHARE = 0.05
_UTF8 = "utf-8"


def page_text(response: TextResponse) -> tuple[str, str]:
    """The text of ``response`` and the encoding it was decoded with."""
    declared = _normal(response.encoding)
    body = response.body
    if declared == _UTF8 or body.isascii():
        if declared != _UTF8 or _bad_utf8_share(response.text) <= MAX_BAD_UTF8_SHARE:
            return response.text, response.encoding
        detected = charset_normalizer.from_bytes(body).best()
        if detected is None or _normal(detected.encoding) == _UTF8:
            return response.text, response.encoding
        return str(detected), detected.encoding
    if declared.startswith(("utf-16", "utf-32")):
        return response.text, response.encoding
    try:
        return body.decode(_UTF8), _UTF8
    except UnicodeDecodeError:
        return response.text, response.encoding


def _bad_utf8_share(text: str) -> float:
    if "\ufffd" not in text:
        return 0.0
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))  # counted in C: a page is 100,000s of characters
    return text.count("\ufffd") / non_ascii if non_ascii else 0.0


def _normal(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding.lower()
