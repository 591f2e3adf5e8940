"""What the analysis of a fetched page returns: the normalized article, and the topic's verdict,
country mentions and fingerprint of it.

Kept apart from the code that computes them (``crawler/normalize.py``, ``crawler/analysis.py``, which
load trafilatura and the language model), so that a crawl process whose pages are analysed by
extraction workers receives these results without loading any of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from crawler.relevance import Verdict


@dataclass(frozen=True)
class NormalizedArticle:
    url: str
    canonical_url: str
    title: str
    body: str
    word_count: int
    is_article: bool
    site_name: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    modified_at: datetime | None = None
    language: str | None = None
    description: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    image_url: str | None = None
    #: field name → where its value came from: jsonld, microdata, opengraph, meta,
    #: time-element, trafilatura, markup, header, detected, source, url.
    field_sources: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PageAnalysis:
    article: NormalizedArticle
    #: the topic's verdict, for an article
    verdict: Verdict | None = None
    #: ISO country code → mentions, for an article
    countries: dict[str, int] = field(default_factory=dict)
    #: the fingerprint of a relevant article (what storing it needs)
    content_hash: str | None = None
    band_keys: tuple[int, ...] = ()
    #: the charset the page's bytes were decoded with (None: the page was given as text)
    encoding: str | None = None
    #: why the page is a block page (``crawler.blocked.blocked_reason``), not an article
    blocked: str | None = None
