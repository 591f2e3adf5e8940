"""Fault routes every site answers, for the service and fault tests (``/__faults/…``).

| route | behaviour |
| --- | --- |
| ``hang?seconds=N`` | answers after N seconds (at most 120) |
| ``status/CODE`` | always that status (500, 503 with ``Retry-After: 1``, 404, 410, 429) |
| ``flaky/NAME`` | 500 the first time, then a relevant article |
| ``drop`` | promises 20,000 bytes, sends 100, closes the connection |
| ``binary`` | random bytes served as ``text/html`` |
| ``malformed`` | a relevant article whose HTML is cut off mid-tag |
| ``bad-jsonld`` | a relevant article with invalid JSON-LD (the meta tags are valid) |
| ``bad-dates`` | a relevant article dated ``0000-00-00``, modified ``2099-01-01`` |
| ``huge-title?mb=N`` | a relevant article with an N MB title |
| ``big?mb=N`` | a relevant article padded to N MB (default 50) |
| ``redirect-offsite`` | 302 to another site of the newsroom |
| ``redirect-loop?n=K`` | 302 to ``redirect-loop?n=K+1``, forever (a loop a duplicate filter cannot see) |
| ``not-a-feed.xml`` | an HTML page where a feed should be |
| ``bomb-sitemap.xml`` | a gzip bomb: about 100 KB that inflate to 100 MB |
| ``huge-sitemap.xml`` | a sitemap of 100,000 URLs |
| ``feed.xml?run=ID`` | an RSS feed listing the article-like routes above (``flaky/ID``: one flaky page per run) |
| ``many/feed.xml?n=N&delay=S`` | an RSS feed of N distinct relevant articles ``many/I.html``, each served after S s |
| ``charset/NAME`` | an Arabic or Russian article whose bytes and declared charset disagree (``CHARSET_PAGES``) |
"""

from __future__ import annotations

import gzip
import os
import random
import threading
import time
from urllib.parse import parse_qs, urlsplit

from tests.newsroom.routes import HTML, RSS, XML, Response

FAULTS_PREFIX = "/__faults/"
MAX_HANG_SECONDS = 120.0
ARTICLE_ROUTES = ("status/500", "status/503", "status/404", "status/410", "status/429", "flaky/{run}", "hang?seconds=30",
                  "drop", "binary", "malformed", "bad-jsonld", "bad-dates", "huge-title?mb=11", "big?mb=50", "redirect-offsite",
                  "redirect-loop", "charset/arabic-1256-as-utf8", "charset/russian-1251-as-utf8",
                  "charset/arabic-utf8-as-1256", "charset/russian-utf8-as-1251")
_PARAGRAPH = ("Delegations met in Abu Dhabi to review the Abraham Accords, discussing new flights, water projects "
              "and trade offices, and agreed to meet again in Rabat before the end of the year. ")
_served: dict[str, int] = {}
_lock = threading.Lock()
_bomb: bytes | None = None
_big: dict[float, Response] = {}


def fault_response(target: str, base_url: str = "", other_site: str = "") -> Response | None:
    """The response of a fault route, or None when ``target`` is not one."""
    parts = urlsplit(target)
    if not parts.path.startswith(FAULTS_PREFIX):
        return None
    name = parts.path.removeprefix(FAULTS_PREFIX).strip("/")
    query = parse_qs(parts.query)
    if name == "hang":
        time.sleep(min(float(query.get("seconds", ["60"])[0]), MAX_HANG_SECONDS))
        return Response(200, HTML, b"<!DOCTYPE html><title>late</title><p>finally</p>\n")
    if name.startswith("status/"):
        code = int(name.removeprefix("status/"))
        headers = (("Retry-After", "1"),) if code in (503, 429) else ()
        return Response(code, HTML, f"<h1>{code}</h1>".encode(), headers)
    if name.startswith("flaky/"):
        with _lock:
            _served[name] = _served.get(name, 0) + 1
            first = _served[name] == 1
        return Response(500, HTML, b"<h1>500</h1>") if first else _article("Flaky page on the Abraham Accords")
    if name == "drop":
        return Response(200, HTML, b"<html><body><p>" + b"x" * 100, (("X-Drop-After", "20000"),))
    if name == "binary":
        return Response(200, HTML, os.urandom(4096))
    if name == "malformed":
        whole = _article("Malformed page on the Abraham Accords").body
        return Response(200, HTML, whole[: len(whole) - 120] + b"<p class=")
    if name == "bad-jsonld":
        return _article("Invalid JSON-LD page on the Abraham Accords",
                        extra_head='<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'
                        '<meta property="article:published_time" content="2026-11-27T10:00:00+00:00">')
    if name == "bad-dates":
        return _article("Impossible dates on the Abraham Accords",
                        extra_head='<meta property="article:published_time" content="0000-00-00">'
                        '<meta property="article:modified_time" content="2099-01-01T00:00:00Z">')
    if name == "huge-title":
        megabytes = float(query.get("mb", ["11"])[0])
        return _article("Abraham Accords " + "very long title " * int(megabytes * 1024 * 1024 / 16))
    if name == "big":
        return _big_page(float(query.get("mb", ["50"])[0]))
    if name == "redirect-loop":
        step = int(query.get("n", ["0"])[0]) + 1
        return Response(302, HTML, b"", (("Location", f"{base_url}{FAULTS_PREFIX}redirect-loop?n={step}"),))
    if name == "redirect-offsite":
        return Response(302, HTML, b"", (("Location", other_site + "/"),))
    if name == "not-a-feed.xml":
        return Response(200, HTML, b"<!DOCTYPE html><html><body><h1>Our news</h1><p>No feed here.</p></body></html>")
    if name == "bomb-sitemap.xml":
        return Response(200, "application/x-gzip", _gzip_bomb())
    if name == "huge-sitemap.xml":
        urls = "".join(f"<url><loc>{base_url}/archive/{i}.html</loc></url>" for i in range(100_000))
        return Response(200, XML, f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                                  f"{urls}</urlset>".encode())
    if name.startswith("many/"):
        return _many(name.removeprefix("many/"), query, base_url)
    if name.startswith("charset/"):
        return _charset_page(name.removeprefix("charset/"))
    if name == "feed.xml":
        run = query.get("run", ["default"])[0]
        routes = [route.format(run=run) for route in ARTICLE_ROUTES]
        items = "".join(f"<item><title>{route}</title><link>{base_url}{FAULTS_PREFIX}{route}</link></item>"
                        for route in routes)
        return Response(200, RSS, f'<?xml version="1.0"?><rss version="2.0"><channel><title>faults</title>'
                                  f"<link>{base_url}/</link><description>f</description>{items}</channel></rss>"
                        .replace("&", "&amp;").encode())
    return None


def _article(title: str, extra_head: str = "") -> Response:
    body = "".join(f"<p>{_PARAGRAPH}Paragraph {i}.</p>" for i in range(4))
    page = (f'<!DOCTYPE html><html lang="en"><head><title>{title}</title><meta property="og:type" content="article">'
            f'{extra_head}</head><body><article><h1>{title[:200]}</h1>{body}</article></body></html>')
    return Response(200, HTML, page.encode())


def _big_page(megabytes: float) -> Response:
    with _lock:
        if megabytes not in _big:
            padding = "<!-- " + "x" * int(megabytes * 1024 * 1024) + " -->"
            _big[megabytes] = _article("A very large page on the Abraham Accords", extra_head=padding)
        return _big[megabytes]


def _gzip_bomb() -> bytes:
    global _bomb
    with _lock:
        if _bomb is None:
            _bomb = gzip.compress(b"<urlset>" + b" " * (100 * 1024 * 1024) + b"</urlset>", compresslevel=9)
        return _bomb


_WORDS = ("ministers", "delegation", "water", "desalination", "flights", "tourism", "trade", "office", "embassy",
          "investment", "startup", "agriculture", "students", "exchange", "security", "energy", "solar", "port",
          "railway", "culture", "museum", "festival", "hospital", "research", "university", "customs", "visa",
          "airline", "dates", "technology", "cyber", "health", "vaccine", "football", "orchestra", "film")
_CITIES = ("Abu Dhabi", "Rabat", "Manama", "Tel Aviv", "Jerusalem", "Dubai", "Casablanca", "Khartoum", "Haifa")


def many_article_title(number: int) -> str:
    return f"Abraham Accords report {number}: {_CITIES[number % len(_CITIES)]} talks"


def _many(name: str, query: dict[str, list[str]], base_url: str) -> Response:
    delay = min(float(query.get("delay", ["0"])[0]), MAX_HANG_SECONDS)
    if name == "feed.xml":
        count = int(query.get("n", ["20"])[0])
        suffix = f"?delay={delay:g}" if delay else ""
        items = "".join(f"<item><title>{many_article_title(i)}</title>"
                        f"<link>{base_url}{FAULTS_PREFIX}many/{i}.html{suffix}</link></item>" for i in range(count))
        return Response(200, RSS, f'<?xml version="1.0"?><rss version="2.0"><channel><title>many</title>'
                                  f"<link>{base_url}/</link><description>m</description>{items}</channel></rss>"
                        .encode())
    time.sleep(delay)
    number = int(name.removesuffix(".html"))
    words = random.Random(number)
    paragraphs = "".join(
        "<p>" + f"Under the Abraham Accords, {_CITIES[(number + k) % len(_CITIES)]} hosted talks on "
        + " ".join(words.choice(_WORDS) for _ in range(40)) + f" (report {number}, part {k}).</p>"
        for k in range(4))
    title = many_article_title(number)
    page = (f'<!DOCTYPE html><html lang="en"><head><title>{title}</title><meta property="og:type" content="article">'
            f"</head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>")
    return Response(200, HTML, page.encode())


#: ``charset/NAME`` → (the page's text, the encoding of its bytes, the charset its header and meta declare)
CHARSET_PAGES = {
    "arabic-1256-as-utf8": ("ar", "windows-1256", "utf-8"),
    "russian-1251-as-utf8": ("ru", "windows-1251", "utf-8"),
    "arabic-utf8-as-1256": ("ar", "utf-8", "windows-1256"),
    "russian-utf8-as-1251": ("ru", "utf-8", "windows-1251"),
}
CHARSET_TITLES = {
    "ar": "اتفاقيات أبراهام تفتح خطا جويا جديدا بين الرباط وتل أبيب",
    "ru": "Авраамовы соглашения открывают новый авиамаршрут между Рабатом и Тель-Авивом",
}
CHARSET_PARAGRAPHS = {
    "ar": ("أعلنت شركات الطيران في المغرب وإسرائيل عن خط جوي مباشر جديد بين الرباط وتل أبيب في إطار اتفاقيات "
           "أبراهام، وقال المسؤولون إن الرحلات ستبدأ في الربيع المقبل وستخدم السياح ورجال الأعمال والطلاب. "),
    "ru": ("Авиакомпании Марокко и Израиля объявили о новом прямом рейсе между Рабатом и Тель-Авивом в рамках "
           "Авраамовых соглашений; по словам официальных лиц, полёты начнутся весной и будут обслуживать "
           "туристов, предпринимателей и студентов. "),
}


def _charset_page(name: str) -> Response:
    language, encoding, declared = CHARSET_PAGES[name]
    title = CHARSET_TITLES[language]
    body = "".join(f"<p>{CHARSET_PARAGRAPHS[language]}{i}</p>" for i in range(4))
    page = (f'<!DOCTYPE html><html lang="{language}"><head><meta charset="{declared}"><title>{title}</title>'
            f'<meta property="og:type" content="article"></head>'
            f"<body><article><h1>{title}</h1>{body}</article></body></html>")
    return Response(200, f"text/html; charset={declared}", page.encode(encoding))
