from __future__ import annotations

from scrapy.settings import Settings

from crawler.config import CrawlConfig
from crawler.settings import crawl_settings


def test_politeness_defaults() -> None:
    settings = Settings()
    settings.setmodule("crawler.settings")
    settings.setdict(crawl_settings(CrawlConfig()))
    assert settings.getbool("ROBOTSTXT_OBEY") is True
    assert settings.getbool("AUTOTHROTTLE_ENABLED") is True
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2
    assert settings.getfloat("DOWNLOAD_TIMEOUT") == 30.0
    assert settings.getint("RETRY_TIMES") == 2
    assert settings.get("USER_AGENT").startswith("AccordsMonitor/")
    assert settings.getdict("DOWNLOADER_MIDDLEWARES")["scrapy.downloadermiddlewares.offsite.OffsiteMiddleware"] is None


def test_crawl_table_overrides() -> None:
    values = crawl_settings(CrawlConfig(user_agent="Test/1", concurrent_requests_per_domain=4, obey_robots_txt=False))
    assert (values["USER_AGENT"], values["CONCURRENT_REQUESTS_PER_DOMAIN"], values["ROBOTSTXT_OBEY"]) == (
        "Test/1", 4, False)


def test_autothrottle_can_be_turned_off_for_own_servers() -> None:
    assert crawl_settings(CrawlConfig(autothrottle=False))["AUTOTHROTTLE_ENABLED"] is False


def test_what_a_response_yields_is_handled_a_few_items_at_a_time() -> None:
    settings = Settings()
    settings.setmodule("crawler.settings")
    assert settings.getint("CONCURRENT_ITEMS") == 4  # Scrapy's 100 start 101 asyncio tasks per response
