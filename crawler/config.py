"""The TOML configuration: database, topic, crawl politeness and news sources.

``load_config(path)`` reads one file, validates every key and returns a frozen
``AccordsConfig``. Anything wrong stops with a ``ConfigError`` whose message
names the file, the source and the field. Relative paths (the SQLite database
file) resolve against the config file's folder.

Environment: ``ACCORDS_CONFIG`` (which file, default ``./accords.toml``) and
``ACCORDS_DATABASE_URL`` (overrides ``[database] url``).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections import Counter
from datetime import UTC, tzinfo
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from crawler._limits import FieldLimits
from crawler.schedule import parse_schedule
from crawler.urls import default_domain, in_scope

DEFAULT_CONFIG_FILE = "accords.toml"
DEFAULT_DATABASE_URL = "sqlite:///data/accords.db"
CONFIG_ENV = "ACCORDS_CONFIG"
DATABASE_URL_ENV = "ACCORDS_DATABASE_URL"
DEFAULT_USER_AGENT = (
    "AccordsMonitor/0.1 (+https://github.com/accords-monitor/accords-monitor; news monitoring bot)"
)

#: In ``context_terms``, "country:AE" stands for every name, demonym and capital of the country.
COUNTRY_PREFIX = "country:"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
_DOMAIN = re.compile(r"^[a-z0-9.-]+(:\d{1,5})?$", re.IGNORECASE)


class ConfigError(Exception):
    """The configuration file is missing or invalid; the message says where and why."""


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in value):
        raise ValueError(f"not a valid http(s) URL: {value!r}")
    return value


def _domain(value: str) -> str:
    if "/" in value or not _DOMAIN.match(value):
        raise ValueError(f"expected a domain such as 'example.com' (optionally with ':port'), got {value!r}")
    return value.lower()


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(f"expected lowercase letters, digits, '-' or '_', got {value!r}")
    return value


def _language(value: str) -> str:
    if not _LANGUAGE.match(value):
        raise ValueError(f"expected an ISO 639 language code such as 'en' or 'ar', got {value!r}")
    return value


def _schedule(value: str) -> str:
    return parse_schedule(value).text


def _listen(value: str) -> str:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or int(port) > 65535:
        raise ValueError(f"expected HOST:PORT such as '127.0.0.1:9310', got {value!r}")
    return value


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown IANA timezone {value!r} (e.g. 'Asia/Jerusalem', 'UTC')") from None
    return value


def _phrase(value: str) -> str:
    if not value.strip():
        raise ValueError("empty phrase")
    if value.startswith(COUNTRY_PREFIX):
        _country_code(value.removeprefix(COUNTRY_PREFIX))
    return value


def _country_code(value: str) -> str:
    from crawler.gazetteer import gazetteer

    if value not in gazetteer().countries:
        raise ValueError(f"unknown country code {value!r} (ISO 3166-1 alpha-2, e.g. 'AE')")
    return value


HttpUrl = Annotated[str, AfterValidator(_http_url)]
Domain = Annotated[str, AfterValidator(_domain)]
Phrase = Annotated[str, AfterValidator(_phrase)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class DatabaseConfig(_Strict):
    url: str = DEFAULT_DATABASE_URL
    #: articles written per transaction by a crawl
    batch_size: int = Field(default=50, ge=1, le=10_000)
    #: how long a crawl retries a write while the database is down, locked or full (storage/retry.py)
    retry_seconds: float = Field(default=300.0, ge=0)


class TopicConfig(_Strict):
    """What makes an article relevant; see crawler/relevance.py for how it is applied."""

    name: str = "Abraham Accords"
    terms: tuple[Phrase, ...] = ()
    terms_by_language: dict[Annotated[str, AfterValidator(_language)], tuple[Phrase, ...]] = {}
    context_terms: tuple[Phrase | tuple[Phrase, ...], ...] = ()
    min_context: int = Field(default=2, ge=1)
    context_weight: float = Field(default=0.25, ge=0)
    exclude_terms: tuple[Phrase, ...] = ()
    min_score: float = Field(default=1.0, gt=0)
    countries: tuple[Annotated[str, AfterValidator(_country_code)], ...] = ()

    @model_validator(mode="after")
    def _is_usable(self) -> TopicConfig:
        if not self.terms and not any(self.terms_by_language.values()) and not self.context_terms:
            raise ValueError("needs 'terms', 'terms_by_language' or 'context_terms'")
        if self.context_terms and self.min_context > len(self.context_terms):
            raise ValueError(f"'min_context' is {self.min_context} but 'context_terms' has only "
                             f"{len(self.context_terms)} group(s)")
        return self

    @property
    def context_groups(self) -> tuple[tuple[str, ...], ...]:
        """Each ``context_terms`` entry as a group of phrases (a lone string is a group of one)."""
        return tuple((entry,) if isinstance(entry, str) else entry for entry in self.context_terms)


class CrawlConfig(_Strict):
    """Politeness settings shared by every source."""

    user_agent: str = DEFAULT_USER_AGENT
    obey_robots_txt: bool = True
    concurrent_requests_per_domain: int = Field(default=2, ge=1, le=16)
    download_delay: float = Field(default=0.5, ge=0)
    download_timeout: float = Field(default=30.0, gt=0)
    retry_times: int = Field(default=2, ge=0, le=10)
    max_response_mb: float = Field(default=10.0, gt=0)
    max_sitemap_urls: int = Field(default=50_000, ge=1)
    max_title_chars: int = Field(default=1_000, ge=10)
    max_description_chars: int = Field(default=5_000, ge=10)
    max_body_chars: int = Field(default=200_000, ge=100)
    autothrottle: bool = True
    #: worker processes that normalize pages ("auto": one per core on a multi-core machine; 0: none)
    extraction_processes: Annotated[int, Field(ge=0, le=64)] | Literal["auto"] = "auto"

    @property
    def field_limits(self) -> FieldLimits:
        return FieldLimits(self.max_title_chars, self.max_description_chars, self.max_body_chars)


class DedupConfig(_Strict):
    """Duplicate detection (crawler/fingerprint.py, storage/stories.py)."""

    #: bodies this similar (shingle Jaccard, or containment of the shorter) are copies of one another
    threshold: float = Field(default=0.5, gt=0, le=1)


class ServiceConfig(_Strict):
    """The background service (``accords serve``)."""

    default_schedule: Annotated[str, AfterValidator(_schedule)] = "every 1h"
    jitter: float = Field(default=120.0, ge=0)
    max_concurrent_crawls: int = Field(default=2, ge=1, le=32)
    crawl_timeout: float = Field(default=1800.0, gt=0)
    shutdown_grace: float = Field(default=30.0, ge=0)
    misfire_grace_time: float = Field(default=600.0, gt=0)
    listen: Annotated[str, AfterValidator(_listen)] = "127.0.0.1:9310"
    stale_after_runs: int = Field(default=6, ge=1)
    stale_after_hours: float = Field(default=24.0, gt=0)


def _broker_url(value: str) -> str:
    scheme = urlsplit(value).scheme
    if scheme not in BROKER_SCHEMES:
        raise ValueError(f"expected a Celery broker URL such as 'redis://127.0.0.1:6379/0' or "
                         f"'amqp://guest@127.0.0.1:5672//', got {value!r}")
    return value


BROKER_SCHEMES = ("redis", "rediss", "amqp", "amqps", "pyamqp")
#: how long a crawl past its timeout may take to stop (SIGTERM, 10 s, SIGKILL) and its run to close
CRAWL_STOP_SECONDS = 15.0


class DistributedConfig(_Strict):
    """Crawl jobs sent through Celery to ``accords worker`` processes on several machines (scheduler/distributed)."""

    enabled: bool = False
    broker_url: Annotated[str, AfterValidator(_broker_url)] = "redis://127.0.0.1:6379/0"
    #: the Celery queue crawl tasks go to (several deployments can share one broker)
    queue: Annotated[str, AfterValidator(_slug)] = "accords"
    #: seconds before a task taken by a worker that died is delivered again (Redis); default: the
    #: longest crawl timeout plus a minute, so a crawl still running is never delivered twice
    visibility_timeout: float | None = Field(default=None, gt=0)
    #: how often the active scheduler retries sending crawls the broker did not take
    send_retry_seconds: float = Field(default=5.0, gt=0)
    #: how often a standby scheduler tries to take over
    standby_poll_seconds: float = Field(default=1.0, gt=0)


#: what a source is: a news site's feeds, sitemaps and pages, or a topic query to a news search service
SOURCE_TYPES = ("site", "gdelt", "google_news")
#: the services' real endpoints (``api_url`` overrides them, e.g. for tests)
DEFAULT_API_URLS = {"gdelt": "https://api.gdeltproject.org/api/v2/doc/doc",
                    "google_news": "https://news.google.com/rss/search"}
_TIMESPAN = re.compile(r"^\d+(min|h|d|w|m)$")


def _timespan(value: str) -> str:
    if not _TIMESPAN.match(value):
        raise ValueError(f"expected a GDELT timespan such as '15min', '24h', '3d', '1w' or '2m', got {value!r}")
    return value


class SourceConfig(_Strict):
    name: Annotated[str, AfterValidator(_slug)]
    type: Literal["site", "gdelt", "google_news"] = "site"
    #: query sources: the search (default: the topic's terms, quoted, joined by OR)
    query: str | None = None
    #: gdelt: how far back the search looks
    timespan: Annotated[str, AfterValidator(_timespan)] | None = None
    #: google_news: interface language, country and edition
    hl: str | None = None
    gl: str | None = None
    ceid: str | None = None
    #: query sources: the service's endpoint (default: the real one)
    api_url: HttpUrl | None = None
    denied_domains: tuple[Domain, ...] = ()
    #: skip feed and sitemap entries whose title and description cannot match the topic
    prefilter: bool = False
    feeds: tuple[HttpUrl, ...] = ()
    sitemaps: tuple[HttpUrl, ...] = ()
    start_urls: tuple[HttpUrl, ...] = ()
    max_depth: int = Field(default=1, ge=0, le=10)
    allowed_domains: tuple[Domain, ...] = ()
    language: Annotated[str, AfterValidator(_language)] | None = None
    lookback_days: int = Field(default=7, ge=1)
    enabled: bool = True
    schedule: Annotated[str, AfterValidator(_schedule)] | None = None
    keep_query_params: tuple[str, ...] = ()
    drop_query_params: tuple[str, ...] = ()
    timezone: Annotated[str, AfterValidator(_timezone)] | None = None
    keep_html: bool = False
    crawl_timeout: float | None = Field(default=None, gt=0)
    revisit_hours: int = Field(default=0, ge=0)
    max_pages: int = Field(default=5_000, ge=1)

    @model_validator(mode="after")
    def _has_an_entry_point(self) -> SourceConfig:
        if self.type == "site":
            if not (self.feeds or self.sitemaps or self.start_urls):
                raise ValueError("needs at least one of 'feeds', 'sitemaps' or 'start_urls'")
            wrong = [key for key in ("query", "timespan", "hl", "gl", "ceid", "api_url") if getattr(self, key)]
            if wrong:
                raise ValueError(f"'{wrong[0]}' is for query sources (type = \"gdelt\" or \"google_news\")")
            return self
        given = [key for key in ("feeds", "sitemaps", "start_urls") if getattr(self, key)]
        if given:
            raise ValueError(f"a {self.type} source searches its service: it takes no '{given[0]}'")
        other = ("hl", "gl", "ceid") if self.type == "gdelt" else ("timespan",)
        wrong = [key for key in other if getattr(self, key)]
        if wrong:
            raise ValueError(f"'{wrong[0]}' is not a key of {self.type} sources")
        return self

    @property
    def is_query(self) -> bool:
        return self.type != "site"

    @property
    def service_url(self) -> str:
        """A query source's endpoint."""
        return self.api_url or DEFAULT_API_URLS[self.type]

    def admits(self, url: str) -> bool:
        """Whether an article at ``url`` belongs to this source: in its scope (a query source's is
        every domain, or its ``allowed_domains``) and not on a denied domain."""
        if self.denied_domains and in_scope(url, self.denied_domains):
            return False
        if self.is_query and not self.allowed_domains:
            return True
        return in_scope(url, self.scope)

    @property
    def tzinfo(self) -> tzinfo:
        """The timezone naive times on this source's pages are read in (UTC by default)."""
        return ZoneInfo(self.timezone) if self.timezone else UTC

    @property
    def scope(self) -> tuple[str, ...]:
        """``allowed_domains``, or by default the domains of the configured URLs."""
        if self.allowed_domains:
            return self.allowed_domains
        urls = (*self.feeds, *self.sitemaps, *self.start_urls)
        return tuple(dict.fromkeys(default_domain(url) for url in urls))


class AccordsConfig(_Strict):
    path: Path
    database: DatabaseConfig = DatabaseConfig()
    topic: TopicConfig
    crawl: CrawlConfig = CrawlConfig()
    service: ServiceConfig = ServiceConfig()
    dedup: DedupConfig = DedupConfig()
    distributed: DistributedConfig = DistributedConfig()
    sources: tuple[SourceConfig, ...] = ()

    def schedule_of(self, source: SourceConfig) -> str:
        return source.schedule or self.service.default_schedule

    def timeout_of(self, source: SourceConfig) -> float:
        return source.crawl_timeout or self.service.crawl_timeout

    def source(self, name: str) -> SourceConfig:
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none"
        raise ConfigError(f"{self.path}: no source named {name!r} (configured: {known})")

    @property
    def enabled_sources(self) -> tuple[SourceConfig, ...]:
        return tuple(s for s in self.sources if s.enabled)

    @property
    def longest_crawl_timeout(self) -> float:
        return max((self.timeout_of(source) for source in self.sources), default=self.service.crawl_timeout)

    @property
    def visibility_timeout(self) -> float:
        """Seconds a task taken by a worker stays invisible to others before it is delivered again."""
        return self.distributed.visibility_timeout or self.longest_crawl_timeout + 60


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The config file to read: the explicit path, else ``$ACCORDS_CONFIG``, else ./accords.toml."""
    return Path(explicit or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG_FILE).expanduser()


def load_config(path: str | os.PathLike[str] | None = None) -> AccordsConfig:
    file = config_path(path)
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"{file}: config file not found (pass --config PATH or set {CONFIG_ENV})"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: not valid TOML: {exc}") from None
    try:
        config = AccordsConfig.model_validate({**_frozen(raw), "path": file.resolve()})
    except ValidationError as exc:
        raise ConfigError(_describe(file, raw, exc)) from None
    _check_unique_names(file, config)
    url = os.environ.get(DATABASE_URL_ENV) or config.database.url
    where = f"${DATABASE_URL_ENV}" if os.environ.get(DATABASE_URL_ENV) else "[database] field 'url'"
    from storage.session import check_url  # SQLAlchemy on first use: the extraction workers read only [topic]

    try:
        url = check_url(url)
    except ValueError as exc:
        raise ConfigError(f"{file}: {where}: {exc}") from None
    database = config.database.model_copy(update={"url": resolve_database_url(url, file.resolve().parent)})
    config = config.model_copy(update={"database": database})
    _check_distributed(file, config, where)
    return config


def _check_distributed(file: Path, config: AccordsConfig, database_where: str) -> None:
    """Workers on several machines share one database and must never redo a crawl that is still running."""
    if not config.distributed.enabled:
        return
    from sqlalchemy.engine import make_url

    backend = make_url(config.database.url).get_backend_name()
    if backend != "postgresql":
        raise ConfigError(f"{file}: [distributed] enabled = true needs a PostgreSQL database that every machine "
                          f"shares, but {database_where} is {backend}")
    shortest = config.longest_crawl_timeout + CRAWL_STOP_SECONDS
    if config.visibility_timeout < shortest:
        raise ConfigError(f"{file}: [distributed] field 'visibility_timeout': {config.visibility_timeout:g} s must "
                          f"be at least the longest crawl timeout ({config.longest_crawl_timeout:g} s) plus "
                          f"{CRAWL_STOP_SECONDS:g} s to stop it, or a crawl still running would be delivered to a "
                          "second worker")


def resolve_database_url(url: str, base: Path) -> str:
    """Make a relative SQLite file path absolute, against the config file's folder."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = parsed.database
    if parsed.get_backend_name() != "sqlite" or not name or name == ":memory:":
        return url
    if name.startswith("file:") or Path(name).is_absolute():
        return url
    return parsed.set(database=str(base / name)).render_as_string(hide_password=False)


def _frozen(value: Any) -> Any:
    """TOML arrays as tuples, so strict validation accepts them for the frozen models."""
    if isinstance(value, dict):
        return {key: _frozen(item) for key, item in value.items()}
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    return value


def _check_unique_names(file: Path, config: AccordsConfig) -> None:
    counts = Counter(source.name for source in config.sources)
    repeated = [name for name, count in counts.items() if count > 1]
    if repeated:
        raise ConfigError(f"{file}: sources: duplicate source name {repeated[0]!r}")


def _describe(file: Path, raw: dict[str, Any], exc: ValidationError) -> str:
    lines = [f"{file}: invalid configuration"]
    for error in exc.errors(include_url=False):
        where = _location(raw, error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown key"
        elif error["type"] == "missing":
            message = "required key is missing"
        elif "input" in error and error["type"].endswith("_type"):
            message = f"{message} (got {error['input']!r})"
        lines.append(f"  {where}: {message}")
    return "\n".join(lines)


def _location(raw: dict[str, Any], loc: tuple[int | str, ...]) -> str:
    """Render ('sources', 2, 'feeds', 0) as "source 'bbc' (sources[2]): field 'feeds[0]'"."""
    if len(loc) >= 2 and loc[0] == "sources" and isinstance(loc[1], int):
        entries = raw.get("sources") or []
        entry = entries[loc[1]] if loc[1] < len(entries) else {}
        name = entry.get("name") if isinstance(entry, dict) else None
        label = f"source {name!r} (sources[{loc[1]}])" if name else f"sources[{loc[1]}]"
        field = _dotted(loc[2:])
        return f"{label}: field {field!r}" if field else label
    table, field = (str(loc[0]), _dotted(loc[1:])) if loc else ("", "")
    return f"[{table}] field {field!r}" if field else f"field {table!r}"


def _dotted(parts: tuple[int | str, ...]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
