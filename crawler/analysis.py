"""Everything a crawl computes from one page, in one call that an extraction worker can run.

``analyze`` normalizes the page and, for an article, judges it against the topic, counts the
countries it mentions and, when it is relevant, takes its fingerprint (content hash and MinHash
band keys). Run in the extraction workers (``crawler/extraction.py``), this leaves the crawl
process only Scrapy and the database writes; the topic arrives as JSON, and each worker builds
its matcher once.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import trafilatura.external

from crawler._language import load_language_model, release_language_model
from crawler.article import PageAnalysis
from crawler.config import TopicConfig
from crawler.fingerprint import fingerprint
from crawler.gazetteer import gazetteer
from crawler.normalize import normalize, use_compiled_element_lookup
from crawler.relevance import TopicMatcher


def analyze(url: str, html: str, headers: dict[str, str], topic_json: str, **options: Any) -> PageAnalysis:
    use_compiled_element_lookup()
    article = normalize(url, html, headers, **options)
    if not article.is_article:
        return PageAnalysis(article)
    verdict = _matcher(topic_json).judge(article.title, article.description, article.body, article.language)
    countries = dict(gazetteer().count(article.title, article.description or "", article.body))
    if not verdict.relevant:
        return PageAnalysis(article, verdict, countries)
    prints = fingerprint(article.body)
    return PageAnalysis(article, verdict, countries, prints.content_hash, prints.band_keys)


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
