"""What the spider yields: one normalized article page, and what the pipelines add to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from crawler.article import NormalizedArticle
from crawler.relevance import Verdict
from storage.pages import RawPage


@dataclass
class ArticleItem:
    article: NormalizedArticle
    #: canonical keys of every URL the page was reached at (link, redirect target, canonical).
    url_keys: tuple[str, ...]
    fetched_at: datetime
    #: the page as downloaded, when the source keeps HTML (``keep_html = true``).
    page: RawPage | None = None
    #: set by the spider's analysis (``crawler/analysis.py``), else by ``TopicPipeline``.
    verdict: Verdict | None = None
    #: ISO country code → mentions, set by ``TopicPipeline``.
    countries: dict[str, int] = field(default_factory=dict)
    #: the content hash and band keys, when the extraction worker computed them (else at storage)
    content_hash: str | None = None
    band_keys: tuple[int, ...] = ()
