"""HTML pages (articles, print views, home/section listings, 404) and robots.txt.

Pages look like a real newsroom's: skip link, cookie banner, masthead and navigation,
the story, a "most read" sidebar, a newsletter box and a footer, so an extractor has
boilerplate to strip. Feeds and sitemaps live in ``feeds.py``.
"""

from __future__ import annotations

import json
from datetime import datetime
from html import escape
from typing import Any

from tests.newsroom.chrome import RTL_LANGUAGES, Chrome, chrome
from tests.newsroom.content import Article, Link, Section, Site
from tests.newsroom.context import Context, iso

LOCALES = {"en": "en_US", "he": "he_IL", "ar": "ar_MA", "fr": "fr_MA", "ru": "ru_RU"}
STYLE = (
    "body{font-family:Georgia,serif;margin:0}.site-header,.site-footer{background:#f4f4f4;"
    "padding:1rem}.cookie-banner{position:fixed;bottom:0;background:#222;color:#fff}"
    "main{display:flex;gap:2rem;padding:1rem}.sidebar{width:18rem}"
)


def e(text: str) -> str:
    """HTML-escape text and attribute values."""
    return escape(text, quote=True)


def human_date(moment: datetime, language: str) -> str:
    """The visible date next to a <time> element, e.g. "27 November 2026, 23:00"."""
    if language == "en":
        return moment.strftime("%d %B %Y, %H:%M").lstrip("0")
    return moment.strftime("%d.%m.%Y %H:%M")


def render_article(ctx: Context, site: Site, article: Article, *, print_view: bool = False) -> str:
    """An article page, or its printer-friendly variant (same metadata, canonical → plain URL)."""
    words = chrome(article.language)
    head = _article_head(ctx, site, article, print_view=print_view)
    story = _story(ctx, site, article, words, print_view=print_view)
    if print_view:
        body = (
            f'<p class="print-back"><a href="{e(article.path)}">{e(words.back)}</a></p>\n'
            f"<main id=\"main\">\n{story}\n</main>\n"
            f'<p class="print-footer">© {ctx.base_time.year} {e(site.title)}</p>'
        )
    else:
        body = _page_body(ctx, site, words, f"{story}\n{_comments(article)}")
    return _document(article.language, head, body, "print" if print_view else "article")


def render_home(ctx: Context, site: Site) -> str:
    """The home page: headline links (with teasers) in the order the site data lists them."""
    title = f"{site.title} — {site.tagline}"
    jsonld = [
        {"@context": "https://schema.org", "@type": "WebSite", "name": site.title,
         "url": ctx.url(site.name, "/")},
        {"@context": "https://schema.org", "@type": "Organization", "name": site.title,
         "url": ctx.url(site.name, "/")},
    ]
    return _listing(ctx, site, "/", title, site.language, chrome(site.language).top_stories,
                    site.home, jsonld)


def render_section(ctx: Context, site: Site, section: Section) -> str:
    """A section front: a list of headlines, declared as a CollectionPage (not an article)."""
    jsonld = [{"@context": "https://schema.org", "@type": "CollectionPage",
               "name": section.title, "url": ctx.url(site.name, section.path)}]
    return _listing(ctx, site, section.path, f"{section.title} | {site.title}", section.language,
                    section.title, section.links, jsonld)


def render_not_found(ctx: Context, site: Site) -> str:
    """The site's 404 page."""
    words = chrome(site.language)
    head = (f"<title>{e(words.not_found_title)} | {e(site.title)}</title>\n"
            '<meta name="robots" content="noindex">')
    main = (f'<div class="error-page">\n<h1>{e(words.not_found_title)}</h1>\n'
            f"<p>{e(words.not_found_text)}</p>\n"
            f'<p><a href="/">{e(words.home)}</a></p>\n</div>')
    return _document(site.language, head, _page_body(ctx, site, words, main), "error")


def render_robots(ctx: Context, site: Site) -> str | None:
    """robots.txt, or None when the site has none (answered with 404)."""
    if site.robots is None:
        return None
    return site.robots.replace("{base}", ctx.urls[site.name])


# --- article parts --------------------------------------------------------------------


def _article_head(ctx: Context, site: Site, article: Article, *, print_view: bool) -> str:
    plain_url = ctx.url(site.name, article.path)
    og_url = ctx.url(*article.og_url) if article.og_url else plain_url
    published, modified = ctx.published(article), ctx.modified(article)
    lines = [
        f"<title>{e(article.title + article.title_suffix)}</title>",
        f'<meta name="description" content="{e(article.description)}">',
    ]
    if print_view:
        lines.append('<meta name="robots" content="noindex, follow">')
    if not article.jsonld:
        lines += [f'<meta name="author" content="{e(name)}">' for name in article.authors]
    if article.canonical or print_view:
        lines.append(f'<link rel="canonical" href="{e(plain_url)}">')
    lines += _feed_links(site)
    lines += [
        f'<meta property="og:site_name" content="{e(site.title)}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{e(article.title + article.title_suffix)}">',
        f'<meta property="og:description" content="{e(article.description)}">',
        f'<meta property="og:url" content="{e(og_url)}">',
        f'<meta property="og:locale" content="{LOCALES.get(article.language, "en_US")}">',
    ]
    if article.image:
        lines.append(f'<meta property="og:image" content="{e(ctx.url(site.name, article.image))}">')
    lines.append(f'<meta property="article:published_time" content="{iso(published)}">')
    if article.modified is not None:
        lines.append(f'<meta property="article:modified_time" content="{iso(modified)}">')
    lines.append(f'<meta property="article:section" content="{e(article.section)}">')
    lines += [f'<meta property="article:tag" content="{e(tag)}">' for tag in article.tags]
    lines.append('<meta name="twitter:card" content="summary_large_image">')
    if article.jsonld:
        lines.append(_jsonld(_news_article(ctx, site, article)))
    lines.append(_jsonld(_breadcrumbs(ctx, site, article)))
    return "\n".join(lines)


def _news_article(ctx: Context, site: Site, article: Article) -> dict[str, Any]:
    people = [{"@type": "Person", "name": name} for name in article.authors]
    node: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": ctx.url(site.name, article.path)},
        "headline": article.title,
        "description": article.description,
        "inLanguage": article.language,
        "datePublished": iso(ctx.published(article)),
        "dateModified": iso(ctx.modified(article)),
        "author": people if site.jsonld_author_list or len(people) > 1 else people[0],
        "publisher": {"@type": "Organization", "name": site.title,
                      "url": ctx.url(site.name, "/")},
        "articleSection": article.section,
        "keywords": list(article.tags),
    }
    if article.image:
        node["image"] = [ctx.url(site.name, article.image)]
    return node


def _breadcrumbs(ctx: Context, site: Site, article: Article) -> dict[str, Any]:
    items = [(site.title, ctx.url(site.name, "/")), (article.section, None)]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": name, **({"item": url} if url else {})}
            for i, (name, url) in enumerate(items, start=1)
        ],
    }


def _story(ctx: Context, site: Site, article: Article, words: Chrome, *, print_view: bool) -> str:
    published, modified = ctx.published(article), ctx.modified(article)
    joiner = " and " if article.language == "en" else ", "
    authors = joiner.join(f'<span class="author">{e(a)}</span>' for a in article.authors)
    dateline = (f'<span class="label">{e(words.published)}</span> <time class="published" '
                f'datetime="{iso(published)}">{human_date(published, article.language)}</time>')
    if article.modified is not None:
        dateline += (f' · <span class="label">{e(words.updated)}</span> <time class="updated" '
                     f'datetime="{iso(modified)}">{human_date(modified, article.language)}</time>')
    parts = [
        '<article class="story">',
        '<header class="story-header">',
        f'<p class="kicker">{e(article.section)}</p>',
        f"<h1>{e(article.title)}</h1>",
        f'<p class="standfirst">{e(article.description)}</p>',
        f'<p class="byline">{e(words.by)} {authors}</p>',
        f'<p class="dateline">{dateline}</p>',
        "</header>",
    ]
    if article.image and not print_view:
        parts.append(f'<figure class="lead-image"><img src="{e(article.image)}" alt="" '
                     'width="1200" height="675"></figure>')
    parts.append('<div class="story-body">')
    parts += [f"<p>{e(paragraph)}</p>" for paragraph in article.paragraphs]
    parts.append("</div>")
    if not print_view:
        tags = "".join(f'<li class="tag">{e(tag)}</li>' for tag in article.tags)
        parts += ['<footer class="story-footer">', f'<ul class="tags">{tags}</ul>',
                  f'<p class="share">{e(words.share)}: X · Facebook · WhatsApp · Telegram</p>']
        if article.printable:
            parts.append(f'<p class="tools"><a class="print-link" '
                         f'href="{e(article.path)}?print=1">{e(words.print_label)}</a></p>')
        parts.append("</footer>")
    parts.append("</article>")
    return "\n".join(parts)


def _comments(article: Article) -> str:
    if not article.printable:
        return ""
    return ('<section id="comments" class="comments">\n<h2>12 comments</h2>\n'
            "<p>Sign in or register to join the conversation.</p>\n</section>")


# --- listings -------------------------------------------------------------------------


def _listing(ctx: Context, site: Site, path: str, title: str, language: str, heading: str,
             links: tuple[Link, ...], jsonld: list[dict[str, Any]]) -> str:
    words = chrome(language)
    head = [
        f"<title>{e(title)}</title>",
        f'<meta name="description" content="{e(site.tagline)}">',
        f'<link rel="canonical" href="{e(ctx.url(site.name, path))}">',
        *_feed_links(site),
        f'<meta property="og:site_name" content="{e(site.title)}">',
        '<meta property="og:type" content="website">',
        f'<meta property="og:title" content="{e(title)}">',
        f'<meta property="og:url" content="{e(ctx.url(site.name, path))}">',
        *(_jsonld(node) for node in jsonld),
    ]
    items = []
    for link in links:
        target = ctx.target(site, link)
        teaser = f'\n<p class="teaser">{e(target.description)}</p>' if target and not link.text else ""
        items.append(f'<li class="headline"><h2><a href="{e(ctx.href(site, link))}">'
                     f"{e(ctx.link_text(site, link))}</a></h2>{teaser}</li>")
    main = (f'<section class="river">\n<h1>{e(heading)}</h1>\n<ul class="headlines">\n'
            + "\n".join(items) + "\n</ul>\n</section>")
    return _document(language, "\n".join(head), _page_body(ctx, site, words, main), "listing")


# --- shared page furniture -----------------------------------------------------------


def _document(language: str, head: str, body: str, body_class: str) -> str:
    direction = "rtl" if language in RTL_LANGUAGES else "ltr"
    return (
        f'<!DOCTYPE html>\n<html lang="{language}" dir="{direction}">\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"{head}\n<style>{STYLE}</style>\n</head>\n"
        f'<body class="{body_class}">\n{body}\n</body>\n</html>\n'
    )


def _page_body(ctx: Context, site: Site, words: Chrome, main: str) -> str:
    nav = "".join(f'<li><a href="{e(ctx.href(site, link))}">{e(link.text)}</a></li>'
                  for link in site.nav)
    most_read = "".join(
        f'<li><a href="{e(path)}">{e(ctx.link_text(site, Link(path)))}</a></li>'
        for path in site.most_read
    )
    footer = " · ".join(f'<a href="{e(link.path)}">{e(link.text)}</a>' for link in site.footer)
    privacy = site.footer[-1].path
    return f"""<a class="skip-link" href="#main">{e(words.skip)}</a>
<div id="cookie-banner" class="cookie-banner" role="dialog" aria-label="Cookies">
<p>{e(words.cookie)} <a href="{e(privacy)}">{e(site.footer[-1].text)}</a></p>
<button type="button">{e(words.accept)}</button> <button type="button">{e(words.manage)}</button>
</div>
<header class="site-header">
<div class="masthead"><a class="logo" href="/">{e(site.title)}</a>
<p class="tagline">{e(site.tagline)}</p></div>
<nav class="main-nav" aria-label="Main"><ul>{nav}</ul></nav>
<form class="search" action="/search" method="get" role="search">
<input type="search" name="q" aria-label="Search"><button type="submit">Search</button></form>
</header>
<main id="main">
{main}
<aside class="sidebar">
<section class="most-read"><h2>{e(words.most_read)}</h2><ol>{most_read}</ol></section>
<section class="newsletter"><p>{e(words.newsletter)}</p>
<button type="button">{e(words.subscribe)}</button></section>
</aside>
</main>
<footer class="site-footer">
<nav class="footer-nav" aria-label="Footer">{footer}</nav>
<p class="copyright">© {ctx.base_time.year} {e(site.title)}. {e(words.rights)}</p>
</footer>"""


def _feed_links(site: Site) -> list[str]:
    links = []
    if site.rss_path:
        links.append(f'<link rel="alternate" type="application/rss+xml" '
                     f'title="{e(site.title)}" href="{e(site.rss_path)}">')
    if site.atom_path:
        links.append(f'<link rel="alternate" type="application/atom+xml" '
                     f'title="{e(site.title)}" href="{e(site.atom_path)}">')
    return links


def _jsonld(node: dict[str, Any]) -> str:
    text = json.dumps(node, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{text}\n</script>'
