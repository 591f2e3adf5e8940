from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import pytest
import trafilatura
import trafilatura.utils
from trafilatura.utils import load_html

from crawler._encoding import FetchedBody
from crawler.analysis import analyze
from crawler.config import TopicConfig
from crawler.normalize import FALLBACK_BELOW_CHARS, normalize, use_compiled_element_lookup
from crawler.urls import QueryRules

PAGES = Path(__file__).parent / "pages"
PARAGRAPHS = [
    "The signing ceremony drew delegations from four governments, and officials said the "
    "agreement would open direct flights, trade offices and student exchanges within a year.",
    "Analysts in the region described the step as the most significant diplomatic change in a "
    "generation, while cautioning that public opinion in several capitals remained divided.",
    "Business groups welcomed the announcement and said they expected new investment in "
    "technology, tourism and agriculture once the first agreements take effect next spring.",
]


def page(head: str, body_extra: str = "", lang: str = "en", headline: str = "Headline") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f'<html lang="{lang}"><head>{head}</head><body><nav><a href="/">Home</a> <a href="/world/">World</a>'
        f"</nav><article><h1>{headline}</h1>{paragraphs}{body_extra}</article>"
        "<footer>Copyright 2026 Example Media. All rights reserved.</footer></body></html>"
    )


JSONLD_HEAD = """
<title>Gulf states mark the accords | Example Times</title>
<link rel="canonical" href="https://www.example.com/2026/11/accords.html">
<meta property="og:site_name" content="Example Times">
<meta property="og:type" content="article">
<meta property="og:description" content="Four delegations &amp; one signing.">
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebSite", "name": "Example Times"},
  {"@type": ["NewsArticle"], "headline": "Gulf states mark the accords",
   "datePublished": "2026-11-27T10:30:00+03:00", "dateModified": "2026-11-27T12:00:00+03:00",
   "author": [{"@type": "Person", "name": "By Jane Doe"}, {"@type": "Person", "name": "Omar Haddad"},
              {"@type": "Organization", "name": "Example Times"}],
   "keywords": ["Diplomacy", "UAE", "diplomacy"]}]}
</script>
<script type="application/ld+json">{ not json </script>
"""


def test_jsonld_article_fields() -> None:
    article = normalize(
        "https://www.example.com/2026/11/accords.html?utm_source=x",
        page(JSONLD_HEAD, headline="Gulf states mark the accords"),
    )
    assert article.is_article
    assert article.canonical_url == "https://www.example.com/2026/11/accords.html"
    assert article.title == "Gulf states mark the accords"
    assert article.authors == ["Jane Doe", "Omar Haddad"]
    assert article.published_at == datetime(2026, 11, 27, 7, 30, tzinfo=UTC)
    assert article.modified_at == datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    assert article.site_name == "Example Times"
    assert article.description == "Four delegations & one signing."
    assert article.tags == ["Diplomacy", "UAE"]
    assert article.language == "en"
    assert article.body == "\n\n".join(PARAGRAPHS)
    assert article.word_count == sum(len(p.split()) for p in PARAGRAPHS)
    assert article.field_sources == {
        "site_name": "opengraph", "title": "jsonld", "authors": "jsonld", "published_at": "jsonld",
        "modified_at": "jsonld", "description": "opengraph", "tags": "jsonld", "canonical_url": "link-canonical",
        "body": "trafilatura", "language": "markup",
    }


META_HEAD = """
<title>Example Times - Accords anniversary</title>
<meta property="og:site_name" content="Example Times">
<meta property="og:url" content="https://syndication.other.org/copy/123">
<meta property="article:published_time" content="2026-11-26T08:00:00">
<meta name="author" content="Jane Doe, Omar Haddad &amp; Li Wei">
<meta name="keywords" content="accords, gulf">
"""


def test_meta_tags_only_page_and_offsite_og_url_ignored() -> None:
    article = normalize("https://example.com/a?print=1", page(META_HEAD, headline="Accords anniversary"), rules=QueryRules(drop=("print",)))
    assert article.canonical_url == "https://example.com/a"
    assert article.title == "Accords anniversary"
    assert article.authors == ["Jane Doe", "Omar Haddad", "Li Wei"]
    assert article.published_at == datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    assert article.modified_at is None
    assert article.tags == ["accords", "gulf"]


def test_section_page_is_not_an_article() -> None:
    links = "".join(f'<li><a href="/story-{i}.html">Short headline number {i}</a></li>' for i in range(30))
    html = (
        '<html><head><title>World</title><meta property="og:type" content="website"></head>'
        f"<body><h1>World</h1><ul>{links}</ul></body></html>"
    )
    assert not normalize("https://example.com/world/", html).is_article


def test_empty_and_broken_pages_are_not_articles() -> None:
    assert not normalize("https://example.com/x", "<html><body></body></html>").is_article
    assert not normalize("https://example.com/y", "\x00\x01 not html").is_article


def test_implausible_dates_are_dropped() -> None:
    head = '<meta property="article:published_time" content="0000-00-00">'
    head += '<meta property="article:modified_time" content="2099-01-01T00:00:00Z">'
    french = [
        "Les accords d'Abraham ont été signés à Washington en présence de plusieurs délégations "
        "venues du Golfe, et les diplomates ont salué une étape historique pour la région entière.",
    ] * 3
    html = page(head, "".join(f"<p>{p}</p>" for p in french), lang="en")
    article = normalize("https://example.com/fr", html)
    assert article.published_at is None
    assert article.modified_at is None


def test_language_comes_from_markup_else_from_the_text() -> None:
    arabic = "".join(
        f"<p>{sentence}</p>"
        for sentence in (
            "وقّعت الإمارات والبحرين على اتفاقيات أبراهام في البيت الأبيض، وقال مسؤولون إن الاتفاق سيفتح الباب.",
            "ومن المتوقع أن تبدأ رحلات جوية مباشرة واستثمارات جديدة وتبادل طلابي بين البلدين خلال العام المقبل.",
            "ورحبت غرف التجارة في المنطقة بالخطوة، مؤكدة أن الشركات الصغيرة ستستفيد من فتح الأسواق الجديدة.",
        )
    )
    undeclared = normalize("https://example.com/ar", f"<html><body><article><h1>عنوان</h1>{arabic}</article></body></html>")
    assert (undeclared.language, undeclared.field_sources["language"]) == ("ar", "detected")
    declared = normalize("https://example.com/ar", f'<html lang="ar-MA"><body><article>{arabic}</article></body></html>')
    assert (declared.language, declared.field_sources["language"]) == ("ar", "markup")
    header = normalize("https://example.com/x", "<html><body><p>קצר</p></body></html>", {"Content-Language": "he-IL"})
    assert (header.language, header.field_sources["language"]) == ("he", "header")
    hinted = normalize("https://example.com/y", "<html><body><p>x</p></body></html>", language_hint="fr")
    assert (hinted.language, hinted.field_sources["language"]) == ("fr", "source")


def _record_extractions(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """The ``fast`` argument of each trafilatura extraction ``normalize`` runs (True: no fallback extractors)."""
    calls: list[bool] = []
    extract = trafilatura.bare_extraction

    def recorded(*args: object, **options: object) -> object:
        calls.append(bool(options.get("fast")))
        return extract(*args, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(trafilatura, "bare_extraction", recorded)
    return calls


def test_a_long_body_skips_trafilaturas_fallback_extractors(monkeypatch: pytest.MonkeyPatch) -> None:
    html = (PAGES / "ar-almadar-abraham-accords-anniversary.html").read_text(encoding="utf-8")
    url = "https://www.almadar.example/2026/09/abraham-accords-anniversary.html"
    calls = _record_extractions(monkeypatch)
    article = normalize(url, html)
    assert calls == [True] and len(article.body) >= FALLBACK_BELOW_CHARS


def test_a_short_body_is_extracted_again_with_the_fallback_extractors(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _record_extractions(monkeypatch)
    article = normalize("https://www.example.com/a.html", page("<title>Headline</title>"))
    assert calls == [True, False]
    assert article.body == "\n\n".join(PARAGRAPHS)


@pytest.fixture
def shipped_parser() -> Iterator[None]:
    """trafilatura's parser with lxml.html's own element lookup, whatever earlier tests set; set back after."""
    def reset() -> None:
        trafilatura.utils.HTML_PARSER.set_element_class_lookup(lxml.html.HtmlElementClassLookup())
        use_compiled_element_lookup.cache_clear()

    reset()
    yield
    reset()


def _form_class() -> type:
    form = load_html("<html><body><form><input name='q'></form><p>text</p></body></html>").find(".//form")
    return type(form)


def test_the_compiled_element_lookup_leaves_every_fixture_page_the_same(shipped_parser: None) -> None:
    pages = [(f"https://news.example/{path.stem}", path.read_bytes()) for path in sorted(PAGES.glob("*.html"))]
    assert _form_class() is lxml.html.FormElement
    before = [normalize(url, html) for url, html in pages]
    use_compiled_element_lookup()
    assert _form_class() is lxml.html.HtmlElement
    after = [normalize(url, html) for url, html in pages]
    assert len(pages) >= 30 and after == before
    assert sum(article.is_article for article in after) >= 30


def test_the_crawls_analysis_uses_the_compiled_element_lookup(shipped_parser: None) -> None:
    html = (PAGES / "ar-almadar-abraham-accords-anniversary.html").read_text(encoding="utf-8")
    topic = TopicConfig(terms_by_language={"ar": ("اتفاقيات أبراهام",)}).model_dump_json()
    assert _form_class() is lxml.html.FormElement
    analysis = analyze("https://www.almadar.example/2026/09/abraham-accords-anniversary.html", html, {}, topic)
    assert _form_class() is lxml.html.HtmlElement
    assert analysis.article.is_article and analysis.article.language == "ar"


def test_the_crawls_analysis_decodes_the_bytes_and_finds_block_pages() -> None:
    """The crawl sends a page's bytes and Scrapy's charset; the analysis decodes them as ``fetched_text`` does,
    and answers whether the page is a block page."""
    html = (PAGES / "ar-almadar-abraham-accords-anniversary.html").read_text(encoding="utf-8")
    url = "https://www.almadar.example/2026/09/abraham-accords-anniversary.html"
    topic = TopicConfig(terms_by_language={"ar": ("اتفاقيات أبراهام",)}).model_dump_json()
    legacy = html.replace('charset="utf-8"', 'charset="windows-1256"').encode("cp1256")
    as_text = analyze(url, html, {}, topic)
    as_bytes = analyze(url, FetchedBody(legacy, "utf-8"), {}, topic)  # windows-1256 bytes declared UTF-8
    assert (as_bytes.article, as_bytes.band_keys) == (as_text.article, as_text.band_keys)
    assert as_bytes.encoding == "cp1256" and as_text.encoding is None and as_bytes.blocked is None
    challenge = ("<html><head><title>Just a moment...</title></head><body><p>Checking your browser before "
                 "accessing the site.</p><script src='/cdn-cgi/challenge-platform/h/b/orchestrate'></script></body></html>")
    blocked = analyze(url, FetchedBody(challenge.encode(), "utf-8"), {"Server": "cloudflare"}, topic, status=403)
    assert blocked.blocked == "bot challenge (Cloudflare)" and blocked.band_keys == ()
