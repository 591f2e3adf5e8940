"""``accords history URL``: an article's versions, each as a readable diff of the one before."""

from __future__ import annotations

import difflib
import itertools
import textwrap
from collections.abc import Iterator

from crawler.config import AccordsConfig
from crawler.urls import canonical_url
from storage.articles import find_article
from storage.models import ArticleVersion
from storage.session import database
from storage.stories import versions_of

WIDTH = 100


class NotStored(LookupError):
    """No stored article has that URL."""


def history(config: AccordsConfig, url: str) -> str:
    db = database(config.database.url)
    with db.Session() as session:
        article = find_article(session, canonical_url(url), url)
        if article is None:
            raise NotStored(f"{url}: no stored article has this URL")
        versions = versions_of(session, article.id)
        header = f"{article.canonical_url}\n{article.title}\nfirst seen {article.first_seen_at:%Y-%m-%d %H:%M} UTC"
        if not versions:
            return header + f"; fetched {article.fetched_at:%Y-%m-%d %H:%M} UTC; no change seen since\n"
        return header + "\n\n" + "\n".join(_render(versions)) + "\n"


def _render(versions: list[ArticleVersion]) -> Iterator[str]:
    first = versions[0]
    yield f"version {first.version}: fetched {first.fetched_at:%Y-%m-%d %H:%M} UTC"
    for before, after in itertools.pairwise(versions):
        yield ""
        yield (f"version {after.version}: fetched {after.fetched_at:%Y-%m-%d %H:%M} UTC, "
               f"changed: {', '.join(after.changed_fields)}")
        yield from difflib.unified_diff(_lines(before), _lines(after), f"version {before.version}",
                                        f"version {after.version}", lineterm="", n=1)


def _lines(version: ArticleVersion) -> list[str]:
    lines = [f"# {version.title}", ""]
    for paragraph in version.body.split("\n\n"):
        lines += [*textwrap.wrap(paragraph, WIDTH), ""]
    return lines
