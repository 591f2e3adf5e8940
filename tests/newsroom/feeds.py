"""Machine-readable indexes: RSS 2.0, Atom 1.0, sitemap index, Google News and plain sitemaps.

Dates are the articles' own (``Article.utc_offset``): RFC 822 in RSS, ISO 8601 with
offset everywhere else. Only articles with ``in_feed`` are listed.
"""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape, quoteattr

from tests.newsroom.content import Article, Site
from tests.newsroom.context import Context, iso

NEWS_SITEMAP_PATH = "/sitemap-news.xml"
PAGES_SITEMAP_PATH = "/sitemap-pages.xml"
#: Google News sitemaps list only recent articles.
NEWS_WINDOW = timedelta(hours=48)

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def listed(site: Site) -> list[Article]:
    """The articles a site's feeds and sitemaps list, newest first."""
    return sorted((a for a in site.articles if a.in_feed), key=lambda a: a.published)


def render_rss(ctx: Context, site: Site) -> str:
    """RSS 2.0 with dc:creator per author and RFC 822 dates in each article's offset."""
    articles = listed(site)
    items = []
    for article in articles:
        url = ctx.url(site.name, article.path)
        link = f"{url}?{article.feed_query}" if article.feed_query else url
        creators = "".join(f"\n  <dc:creator>{escape(a)}</dc:creator>" for a in article.authors)
        items.append(
            f"<item>\n  <title>{escape(article.title)}</title>\n  <link>{escape(link)}</link>\n"
            f'  <guid isPermaLink="true">{escape(url)}</guid>\n'
            f"  <pubDate>{format_datetime(ctx.published(article))}</pubDate>{creators}\n"
            f"  <category>{escape(article.section)}</category>\n"
            f"  <description>{escape(article.description)}</description>\n</item>"
        )
    built = format_datetime(ctx.published(articles[0])) if articles else ""
    return (
        XML_DECLARATION
        + '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
        f"<title>{escape(site.title)}</title>\n<link>{escape(ctx.url(site.name, '/'))}</link>\n"
        f"<description>{escape(site.tagline)}</description>\n<language>{site.language}</language>\n"
        f"<lastBuildDate>{built}</lastBuildDate>\n"
        f'<atom:link href={quoteattr(ctx.url(site.name, site.rss_path or "/"))} rel="self" '
        'type="application/rss+xml"/>\n'
        + "\n".join(items)
        + "\n</channel>\n</rss>\n"
    )


def render_atom(ctx: Context, site: Site) -> str:
    """Atom 1.0 with published/updated in each article's offset."""
    articles = listed(site)
    entries = []
    for article in articles:
        url = ctx.url(site.name, article.path)
        authors = "".join(f"\n  <author><name>{escape(a)}</name></author>" for a in article.authors)
        entries.append(
            f'<entry xml:lang="{article.language}">\n  <id>{escape(url)}</id>\n'
            f"  <title>{escape(article.title)}</title>\n"
            f'  <link rel="alternate" type="text/html" href={quoteattr(url)}/>\n'
            f"  <published>{iso(ctx.published(article))}</published>\n"
            f"  <updated>{iso(ctx.modified(article))}</updated>{authors}\n"
            f"  <category term={quoteattr(article.section)}/>\n"
            f"  <summary>{escape(article.description)}</summary>\n</entry>"
        )
    updated = max((ctx.modified(a) for a in articles), default=ctx.base_time)
    return (
        XML_DECLARATION
        + f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{site.language}">\n'
        f"<id>{escape(ctx.url(site.name, '/'))}</id>\n<title>{escape(site.title)}</title>\n"
        f"<subtitle>{escape(site.tagline)}</subtitle>\n<updated>{iso(updated)}</updated>\n"
        f'<link rel="self" type="application/atom+xml" '
        f"href={quoteattr(ctx.url(site.name, site.atom_path or '/'))}/>\n"
        f'<link rel="alternate" type="text/html" href={quoteattr(ctx.url(site.name, "/"))}/>\n'
        + "\n".join(entries)
        + "\n</feed>\n"
    )


def render_sitemap_index(ctx: Context, site: Site) -> str:
    """The sitemap index pointing at the news and the plain sitemap."""
    articles = listed(site)
    newest = iso(max((ctx.modified(a) for a in articles), default=ctx.base_time))
    entries = "".join(
        f"<sitemap>\n  <loc>{escape(ctx.url(site.name, path))}</loc>\n"
        f"  <lastmod>{newest}</lastmod>\n</sitemap>\n"
        for path in (NEWS_SITEMAP_PATH, PAGES_SITEMAP_PATH)
    )
    return f'{XML_DECLARATION}<sitemapindex xmlns="{SITEMAP_NS}">\n{entries}</sitemapindex>\n'


def render_news_sitemap(ctx: Context, site: Site) -> str:
    """Google News sitemap: articles of the last 48 hours with publication date and title."""
    entries = []
    for article in listed(site):
        if article.published > NEWS_WINDOW:
            continue
        entries.append(
            f"<url>\n  <loc>{escape(ctx.url(site.name, article.path))}</loc>\n  <news:news>\n"
            f"    <news:publication>\n      <news:name>{escape(site.title)}</news:name>\n"
            f"      <news:language>{article.language}</news:language>\n"
            f"    </news:publication>\n"
            f"    <news:publication_date>{iso(ctx.published(article))}</news:publication_date>\n"
            f"    <news:title>{escape(article.title)}</news:title>\n  </news:news>\n</url>\n"
        )
    return (f'{XML_DECLARATION}<urlset xmlns="{SITEMAP_NS}" xmlns:news="{NEWS_NS}">\n'
            + "".join(entries) + "</urlset>\n")


def render_pages_sitemap(ctx: Context, site: Site) -> str:
    """Plain sitemap: home, section fronts and every listed article, with lastmod."""
    articles = listed(site)
    newest = max((ctx.modified(a) for a in articles), default=ctx.base_time)
    rows: list[tuple[str, str, str]] = [("/", iso(newest), "hourly")]
    for section in site.sections:
        targets = [site.article(link.path) for link in section.links if link.site is None]
        dates = [ctx.modified(a) for a in targets if a is not None]
        rows.append((section.path, iso(max(dates, default=newest)), "hourly"))
    rows += [(a.path, iso(ctx.modified(a)), "weekly") for a in articles]
    entries = "".join(
        f"<url>\n  <loc>{escape(ctx.url(site.name, path))}</loc>\n  <lastmod>{lastmod}</lastmod>\n"
        f"  <changefreq>{freq}</changefreq>\n</url>\n"
        for path, lastmod, freq in rows
    )
    return f'{XML_DECLARATION}<urlset xmlns="{SITEMAP_NS}">\n{entries}</urlset>\n'
