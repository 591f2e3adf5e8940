"""Everything a crawl computes from one page, in one call that an extraction worker can run.

``analyze`` decodes the page (sent as its bytes and Scrapy's charset, ``FetchedBody``), normalizes
it, checks that it is not a block page (``crawler/blocked.py``) and, for an article, judges it
against the topic, counts the countries it mentions and, when it is relevant, takes its
fingerprint (content hash and MinHash band keys). Run in the extraction workers
(``crawler/extraction.py``), this leaves the crawl process only Scrapy and the database writes;
the topic arrives as JSON, and each worker builds its matcher once.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import trafilatura.external

from crawler._encoding import FetchedBody, fetched_text
from crawler._language import load_language_model, release_language_model
from crawler.article import PageAnalysis
from crawler.blocked import blocked_reason
from crawler.config import TopicConfig
from crawler.fingerprint import fingerprint
from crawler.gazetteer import gazetteer
from crawler.normalize import normalize, use_compiled_element_lookup
from crawler.relevance import TopicMatcher


def analyze(url: str, page: str | FetchedBody, headers: dict[str, str], topic_json: str, status: int = 200,
            **options: Any) -> PageAnalysis:
    """The analysis of the page at ``url`` (the final URL), its ``headers`` and HTTP ``status``; ``options``
    go to ``normalize``."""
    use_compiled_element_lookup()
    html, encoding = fetched_text(page) if isinstance(page, FetchedBody) else (page, None)
    article = normalize(url, html, headers, **options)
    blocked = blocked_reason(url, status, headers, html, len(article.body) if article.is_article else None)
    if blocked is not None or not article.is_article:
        return PageAnalysis(article, encoding=encoding, blocked=blocked)
    verdict = _matcher(topic_json).judge(article.title, article.description, article.body, article.language)
    countries = dict(gazetteer().count(article.title, article.description or "", article.body))
    if not verdict.relevant:
        return PageAnalysis(article, verdict, countries, encoding=encoding)
    prints = fingerprint(article.body)
    return PageAnalysis(article, verdict, countries, prints.content_hash, prints.band_keys, encoding)


def load_models() -> None:
    """Load now what ``analyze`` otherwise loads on first use: the language model, justext's stop
    words (trafilatura's fallback extractor) and the country gazetteer; and set up the HTML parser."""
    use_compiled_element_lookup()
    load_language_model()
    trafilatura.external.jt_stoplist_init()
    gazetteer()


def release_models() -> None:
    """Drop this process's language model and stop words: once extraction runs in worker processes,
    only they use them (both are loaded again on first use)."""
    release_language_model()
    trafilatura.external.JT_STOPLIST = None


@cache
def _matcher(topic_json: str) -> TopicMatcher:
    return TopicMatcher(TopicConfig.model_validate_json(topic_json))
