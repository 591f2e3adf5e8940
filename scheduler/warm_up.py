"""Starting the extraction workers' forkserver before a crawl that looks big has imported Scrapy."""

from __future__ import annotations

from collections.abc import Sequence

from crawler.config import AccordsConfig, SourceConfig
from storage.runs import last_pages_parsed
from storage.session import Database


def start_extraction_early(config: AccordsConfig, db: Database, sources: Sequence[SourceConfig]) -> bool:
    """Start the forkserver now (``crawler.extraction.start_forkserver``) when the crawl will likely
    hand enough pages to extraction for the worker processes to start (``START_AFTER_PAGES``): some
    source has never finished a crawl (the first one reads its sitemaps whole, a backfill) or its last
    one handed that many. The small scheduled crawls, a few new articles each, never start it.
    Returns whether it started."""
    from crawler.extraction import START_AFTER_PAGES, resolved_processes, start_forkserver

    if resolved_processes(config.crawl.extraction_processes) == 0:
        return False
    with db.Session() as session:
        last = last_pages_parsed(session, [source.name for source in sources])
    if all(last.get(source.name, START_AFTER_PAGES) < START_AFTER_PAGES for source in sources):
        return False
    start_forkserver()
    return True
