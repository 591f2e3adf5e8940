"""A two-year sitemap archive, under ``/__archive/`` on every site, for the sitemap ``lastmod`` tests.

| path | what |
| --- | --- |
| ``/__archive/sitemap_index.xml`` | 24 monthly sitemaps; month 0 (this month) is modified at the moment of the request, month K ends K months before the newsroom's base time |
| ``/__archive/sitemap-K.xml`` | the two articles of month K: ``/__faults/many/N.html`` for N = 1000 + 2K and 1001 + 2K, modified in that month |
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.newsroom.faults import FAULTS_PREFIX
from tests.newsroom.routes import Response

PREFIX = "/__archive/"
MONTHS = 24
XML = "application/xml"
_SITEMAPS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def archive_article_numbers(month: int) -> tuple[int, int]:
    return 1000 + 2 * month, 1001 + 2 * month


def archive_response(base_url: str, now: datetime, target: str) -> Response | None:
    """The response of an ``/__archive/`` path, or None when ``target`` is not one."""
    path = target.split("?", 1)[0]
    if not path.startswith(PREFIX):
        return None
    name = path.removeprefix(PREFIX)
    if name == "sitemap_index.xml":
        entries = "".join(f"<sitemap><loc>{base_url}{PREFIX}sitemap-{month}.xml</loc>"
                          f"<lastmod>{_modified(month, now):%Y-%m-%dT%H:%M:%S}Z</lastmod></sitemap>"
                          for month in range(MONTHS))
        return Response(200, XML, f'<?xml version="1.0"?><sitemapindex xmlns="{_SITEMAPS}">{entries}</sitemapindex>'
                        .encode())
    if name.startswith("sitemap-") and name.endswith(".xml"):
        month = int(name.removeprefix("sitemap-").removesuffix(".xml"))
        modified = _modified(month, now)
        entries = "".join(f"<url><loc>{base_url}{FAULTS_PREFIX}many/{number}.html</loc>"
                          f"<lastmod>{modified:%Y-%m-%dT%H:%M:%S}Z</lastmod></url>"
                          for number in archive_article_numbers(month))
        return Response(200, XML, f'<?xml version="1.0"?><urlset xmlns="{_SITEMAPS}">{entries}</urlset>'.encode())
    return None


def _modified(month: int, now: datetime) -> datetime:
    """This month's sitemap changes all the time; month K's last changed 30·K days before ``now``."""
    if month == 0:
        return datetime.now(UTC).replace(microsecond=0)
    return now - timedelta(days=30 * month)
