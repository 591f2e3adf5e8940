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
from dataclasses import dataclass

import charset_normalizer
from w3lib.encoding import html_to_unicode

#: share of the non-ASCII characters that may be invalid before a page declared UTF-8 is re-detected
MAX_BAD_UTF8_SHARE = 0.05
_UTF8 = "utf-8"


@dataclass(frozen=True)
class FetchedBody:
    """A page's bytes and the charset Scrapy found for them (``TextResponse.encoding``), which
    ``fetched_text`` decodes: what the crawl sends an extraction worker instead of the page's text
    (pickling the text encodes it to UTF-8 again, and the worker decodes it as cheaply as it unpickles it)."""

    body: bytes
    encoding: str


def fetched_text(page: FetchedBody) -> tuple[str, str]:
    """The text of ``page`` and the encoding it was decoded with."""
    declared = _normal(page.encoding)
    body = page.body
    if declared == _UTF8 or body.isascii():
        as_scrapy = scrapy_text(page)
        if declared != _UTF8 or _bad_utf8_share(as_scrapy) <= MAX_BAD_UTF8_SHARE:
            return as_scrapy, page.encoding
        detected = charset_normalizer.from_bytes(body).best()
        if detected is None or _normal(detected.encoding) == _UTF8:
            return as_scrapy, page.encoding
        return str(detected), detected.encoding
    if declared.startswith(("utf-16", "utf-32")):
        return scrapy_text(page), page.encoding
    try:
        return body.decode(_UTF8), _UTF8
    except UnicodeDecodeError:
        return scrapy_text(page), page.encoding


def scrapy_text(page: FetchedBody) -> str:
    """``TextResponse.text``: Scrapy decodes the body this way once its encoding is known."""
    return html_to_unicode(f"charset={page.encoding}", page.body)[1]


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
