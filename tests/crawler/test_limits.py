from __future__ import annotations

from crawler._limits import FieldLimits, clamp
from crawler.normalize import NormalizedArticle, normalize


def article(**fields: object) -> NormalizedArticle:
    values: dict[str, object] = {"url": "https://e.com/a", "canonical_url": "https://e.com/a", "title": "Title",
                                 "body": "Body text.", "word_count": 2, "is_article": True,
                                 "field_sources": {"title": "jsonld"}}
    return NormalizedArticle(**{**values, **fields})  # type: ignore[arg-type]


def test_within_limits_nothing_changes() -> None:
    original = article(site_name="Site", authors=["Jane Doe"], tags=["UAE"])
    assert clamp(original, FieldLimits()) is original


def test_long_values_are_cut_and_flagged() -> None:
    long = article(title="T" * 50, body="word " * 100, site_name="S" * 300, image_url="https://e.com/" + "x" * 3000,
                   authors=["Jane Doe", "A" * 300], tags=[f"tag{i}" for i in range(80)])
    cut = clamp(long, FieldLimits(title=20, description=100, body=100))
    assert (len(cut.title), cut.title.endswith("…")) == (20, True)
    assert len(cut.body) <= 100 and cut.word_count == len(cut.body.split())
    assert (len(cut.site_name or ""), cut.image_url, cut.authors, len(cut.tags)) == (200, None, ["Jane Doe"], 50)
    assert cut.field_sources == {"title": "jsonld", "truncated": "title,body,site_name,image_url,authors,tags"}


def test_a_two_megabyte_title_is_cut_by_normalize() -> None:
    page = f"<html><head><title>{'accords ' * 250_000}</title></head><body><p>{'text ' * 100}</p></body></html>"
    result = normalize("https://e.com/huge", page)
    assert len(result.title) == 1000 and result.field_sources["truncated"].startswith("title")


def test_an_11_mb_title_is_cut_before_parsing_and_then_to_max_title_chars() -> None:
    from crawler.normalize import MAX_TEXT_RUN, _cut_long_text, normalize

    title = "Abraham Accords " + "very long title " * (11 * 1024 * 1024 // 16)
    body = "".join(f"<p>Delegations met in Abu Dhabi to review the Abraham Accords, part {i}.</p>" for i in range(30))
    page = f"<html><head><title>{title}</title></head><body><article>{body}</article></body></html>"
    cut = _cut_long_text(page, "<")
    assert len(cut) == len(page) - (len("title>" + title) - MAX_TEXT_RUN) and cut.startswith("<html><head><title>Abraham")
    assert _cut_long_text(body, "<") is body
    for html in (page, page.encode()):
        article = normalize("https://example.org/a.html", html)
        assert len(article.title) == 1000 and article.field_sources["truncated"] == "title"
        assert "part 29." in article.body
