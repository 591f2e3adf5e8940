"""What every renderer needs to know at request time: the base time and every site's URL."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from tests.newsroom.content import SITES, Article, Link, Site


@dataclass(frozen=True)
class Context:
    """Rendering context shared by all sites of one running newsroom."""

    base_time: datetime  # timezone-aware, whole seconds
    urls: Mapping[str, str]  # site name → "http://127.0.0.1:<port>"

    def url(self, site: str, path: str) -> str:
        """Absolute URL of ``path`` (which starts with "/") on ``site``."""
        return self.urls[site] + path

    def href(self, page_site: Site, link: Link) -> str:
        """The href a page on ``page_site`` prints: root-relative on-site, absolute off-site."""
        if link.site is None or link.site == page_site.name:
            return link.path
        return self.url(link.site, link.path)

    def link_text(self, page_site: Site, link: Link) -> str:
        """The link's own text, else the title of the article it points to, else its path."""
        if link.text:
            return link.text
        target = self.target(page_site, link)
        return target.title if target is not None else link.path

    def target(self, page_site: Site, link: Link) -> Article | None:
        """The article a link points to (ignoring query and fragment), if any."""
        site = SITES[link.site] if link.site else page_site
        return site.article(link.path.split("#", 1)[0].split("?", 1)[0])

    def published(self, article: Article) -> datetime:
        return article.published_at(self.base_time)

    def modified(self, article: Article) -> datetime:
        return article.modified_at(self.base_time)


def iso(moment: datetime) -> str:
    """ISO 8601 with seconds and the UTC offset, e.g. 2026-11-27T23:00:00+02:00."""
    return moment.isoformat(timespec="seconds")
