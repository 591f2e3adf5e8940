"""Pages whose bytes and declared charset disagree are decoded as what their bytes are."""

from __future__ import annotations

import codecs
from pathlib import Path

import charset_normalizer
import pytest
from scrapy.http import HtmlResponse

from crawler._encoding import (
    MAX_BAD_UTF8_SHARE,
    FetchedBody,
    _bad_utf8_share,
    fetched_text,
    scrapy_text,
)
from tests.support.corpus import corpus_pages

ARABIC = "اتفاقيات أبراهام تفتح خطا جويا جديدا بين الرباط وتل أبيب، وقال المسؤولون إن الرحلات ستبدأ في الربيع"
RUSSIAN = "Авраамовы соглашения открывают новый авиамаршрут между Рабатом и Тель-Авивом, полёты начнутся весной"


def page_text(response: HtmlResponse) -> tuple[str, str]:
    """What the crawl's analysis decodes of ``response``."""
    return fetched_text(FetchedBody(response.body, response.encoding))


def response(text: str, encoding: str, declared: str) -> HtmlResponse:
    html = f'<html><head><meta charset="{declared}"><title>t</title></head><body><p>{text}</p></body></html>'
    return HtmlResponse("http://127.0.0.1/a.html", body=html.encode(encoding),
                        headers={"Content-Type": f"text/html; charset={declared}"})


@pytest.mark.parametrize(("text", "encoding", "declared", "expected"), [
    (ARABIC, "windows-1256", "utf-8", "cp1256"),
    (RUSSIAN, "windows-1251", "utf-8", "cp1251"),
    (ARABIC, "utf-8", "windows-1256", "utf-8"),
    (RUSSIAN, "utf-8", "windows-1251", "utf-8"),
    (RUSSIAN, "windows-1251", "windows-1251", "cp1251"),
    (ARABIC, "utf-8", "utf-8", "utf-8"),
])
def test_text_is_decoded_as_what_the_bytes_are(text: str, encoding: str, declared: str, expected: str) -> None:
    decoded, used = page_text(response(text, encoding, declared))
    assert f"<p>{text}</p>" in decoded
    assert used == expected


def test_a_few_stray_bytes_keep_a_utf8_page_utf8() -> None:
    page = response(RUSSIAN * 3, "utf-8", "utf-8")
    broken = page.replace(body=page.body.replace(b"</p>", b"\xff</p>"))
    decoded, used = page_text(broken)
    assert used == "utf-8"
    assert f"{RUSSIAN * 3}\ufffd</p>" in decoded


def test_ascii_pages_keep_their_declared_charset() -> None:
    decoded, used = page_text(response("Abraham Accords", "ascii", "windows-1252"))
    assert used == "cp1252" and "<p>Abraham Accords</p>" in decoded


def test_the_bad_share_counts_replacement_characters_among_the_non_ascii_characters() -> None:
    assert _bad_utf8_share("plain ascii text é") == 0.0
    assert _bad_utf8_share("ab \ufffd é € 😀 \ufffd cd") == 2 / 5  # characters, not bytes: 😀 is one


PAGES = Path(__file__).parent / "pages"
LATIN = "Les accords d'Abraham, signés à Washington, ouvrent une nouvelle ère — « paix » entre Israël et les Émirats"


def _bodies() -> list[tuple[str, bytes, dict[str, str]]]:
    """(case, body, headers): every fixture page, and bodies declared every way Scrapy reads a charset."""
    plain = {"Content-Type": "text/html"}
    cases = [(page.name, page.read_bytes(), plain) for page in sorted(PAGES.glob("*.html"))]
    head = "<html><head>{meta}<title>t</title></head><body><p>{text}</p></body></html>"
    cases += [
        ("utf-8 BOM", b"\xef\xbb\xbf" + head.format(meta="", text=ARABIC).encode("utf-8"), plain),
        ("utf-16 BOM", head.format(meta="", text=RUSSIAN).encode("utf-16"), plain),
        ("header utf-16", head.format(meta="", text=RUSSIAN).encode("utf-16-be"),
         {"Content-Type": "text/html; charset=utf-16"}),
        ("meta latin-1", head.format(meta='<meta charset="iso-8859-1">', text=LATIN).encode("cp1252"), plain),
        ("header beats meta", head.format(meta='<meta charset="utf-8">', text=RUSSIAN).encode("koi8-r"),
         {"Content-Type": "text/html; charset=koi8-r"}),
        ("undeclared cp1252", head.format(meta="", text=LATIN).encode("cp1252"), plain),
        ("undeclared utf-8", head.format(meta="", text=ARABIC).encode("utf-8"), plain),
        ("undeclared ascii", head.format(meta="", text="Abraham Accords").encode("ascii"), plain),
        ("stray bytes", head.format(meta='<meta charset="utf-8">', text=ARABIC).encode("utf-8") + b"\xff\xfe",
         plain),
        ("unknown charset", head.format(meta='<meta charset="x-no-such">', text=LATIN).encode("utf-8"), plain),
    ]
    return cases


@pytest.mark.parametrize(("case", "body", "headers"), _bodies(), ids=[case for case, _, _ in _bodies()])
def test_a_worker_decodes_the_bytes_as_scrapy_does(case: str, body: bytes, headers: dict[str, str]) -> None:
    """The crawl sends the body and Scrapy's encoding; what the worker decodes is Scrapy's text."""
    scrapy = HtmlResponse("http://127.0.0.1/a.html", body=body, headers=headers)
    fetched = FetchedBody(body, scrapy.encoding)
    assert scrapy_text(fetched) == scrapy.text
    before = HtmlResponse("http://127.0.0.1/a.html", body=body, headers=headers)
    assert fetched_text(fetched) == _page_text_from_the_response(before)


def _page_text_from_the_response(response: HtmlResponse) -> tuple[str, str]:
    """``page_text`` as it read the response's own ``text`` before the workers decoded pages."""
    declared = codecs.lookup(response.encoding).name
    if declared == "utf-8" or response.body.isascii():
        if declared != "utf-8" or _bad_utf8_share(response.text) <= MAX_BAD_UTF8_SHARE:
            return response.text, response.encoding
        detected = charset_normalizer.from_bytes(response.body).best()
        if detected is None or codecs.lookup(detected.encoding).name == "utf-8":
            return response.text, response.encoding
        return str(detected), detected.encoding
    if declared.startswith(("utf-16", "utf-32")):
        return response.text, response.encoding
    try:
        return response.body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return response.text, response.encoding


@pytest.mark.corpus
def test_a_worker_decodes_every_corpus_page_as_scrapy_does() -> None:
    for page in corpus_pages():
        scrapy = HtmlResponse(page.url, body=page.html, headers={"Content-Type": "text/html"})
        assert scrapy_text(FetchedBody(page.html, scrapy.encoding)) == scrapy.text, page.url
