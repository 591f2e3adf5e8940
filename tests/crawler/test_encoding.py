"""Pages whose bytes and declared charset disagree are decoded as what their bytes are."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse

from crawler._encoding import _bad_utf8_share, page_text

ARABIC = "اتفاقيات أبراهام تفتح خطا جويا جديدا بين الرباط وتل أبيب، وقال المسؤولون إن الرحلات ستبدأ في الربيع"
RUSSIAN = "Авраамовы соглашения открывают новый авиамаршрут между Рабатом и Тель-Авивом, полёты начнутся весной"


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
