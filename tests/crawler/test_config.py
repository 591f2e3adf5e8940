from __future__ import annotations

from pathlib import Path

import pytest

from crawler.config import ConfigError, load_config

TOPIC = '[topic]\nterms = ["Abraham Accords"]\n'
SOURCE = '[[sources]]\nname = "site"\nfeeds = ["https://example.com/feed.xml"]\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "accords.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_and_relative_database_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACCORDS_DATABASE_URL", raising=False)
    config = load_config(write(tmp_path, TOPIC + SOURCE))
    source = config.source("site")
    assert config.database.url == f"sqlite:///{tmp_path.resolve()}/data/accords.db"
    assert (source.max_depth, source.lookback_days, source.enabled) == (1, 7, True)
    assert source.scope == ("example.com",)
    assert config.crawl.concurrent_requests_per_domain == 2
    assert config.crawl.obey_robots_txt is True


def test_environment_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, TOPIC + SOURCE)
    monkeypatch.setenv("ACCORDS_CONFIG", str(path))
    monkeypatch.setenv("ACCORDS_DATABASE_URL", "postgresql+psycopg://u@db/accords")
    config = load_config()
    assert config.path == path.resolve()
    assert config.database.url == "postgresql+psycopg://u@db/accords"


def test_scope_defaults_to_hosts_with_explicit_ports(tmp_path: Path) -> None:
    text = TOPIC + (
        '[[sources]]\nname = "local"\nfeeds = ["http://127.0.0.1:8001/feed"]\n'
        'start_urls = ["https://www.example.org/", "http://127.0.0.1:8001/"]\n'
    )
    assert load_config(write(tmp_path, text)).source("local").scope == ("127.0.0.1:8001", "example.org")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (TOPIC + SOURCE + 'colour = "blue"\n', "source 'site' (sources[0]): field 'colour': unknown key"),
        (TOPIC + SOURCE + "max_depth = \"2\"\n", "source 'site' (sources[0]): field 'max_depth'"),
        (TOPIC + SOURCE + "max_depth = -1\n", "field 'max_depth': Input should be greater than or equal to 0"),
        (TOPIC + '[[sources]]\nname = "bad"\nfeeds = ["htp:/nowhere"]\n',
         "source 'bad' (sources[0]): field 'feeds[0]': not a valid http(s) URL: 'htp:/nowhere'"),
        (TOPIC + SOURCE + SOURCE, "sources: duplicate source name 'site'"),
        (TOPIC + '[[sources]]\nname = "empty"\n',
         "source 'empty' (sources[0]): needs at least one of 'feeds', 'sitemaps' or 'start_urls'"),
        (TOPIC + SOURCE + 'allowed_domains = ["https://example.com/"]\n',
         "field 'allowed_domains[0]': expected a domain"),
        (TOPIC + SOURCE + 'language = "English"\n', "field 'language': expected an ISO 639 language code"),
        (TOPIC + '[[sources]]\nname = "Bad Name"\nfeeds = ["https://e.com/f"]\n', "field 'name'"),
        (SOURCE, "field 'topic': required key is missing"),
        ('[topic]\nterms = []\n' + SOURCE, "field 'topic': needs 'terms', 'terms_by_language' or 'context_terms'"),
        (TOPIC + 'context_terms = [["a"], "b"]\nmin_context = 3\n' + SOURCE,
         "field 'topic': 'min_context' is 3 but 'context_terms' has only 2 group(s)"),
        (TOPIC + 'countries = ["XX"]\n' + SOURCE, "[topic] field 'countries[0]': unknown country code 'XX'"),
        (TOPIC + 'context_terms = [["country:QQ"]]\n' + SOURCE, "unknown country code 'QQ'"),
        (TOPIC + SOURCE + 'schedule = "every 5 minutes"\n',
         "source 'site' (sources[0]): field 'schedule': 'every 5 minutes': expected 'every N' with a unit"),
        (TOPIC + SOURCE + 'schedule = "61 * * * *"\n', "field 'schedule': '61 * * * *': not a valid cron expression"),
        (TOPIC + SOURCE + 'timezone = "Mars/Olympus"\n', "field 'timezone': unknown IANA timezone 'Mars/Olympus'"),
        (TOPIC + SOURCE + "[service]\nlisten = \"9310\"\n", "[service] field 'listen': expected HOST:PORT"),
        (TOPIC + SOURCE + "[service]\nmax_concurrent_crawls = 0\n", "[service] field 'max_concurrent_crawls'"),
        (TOPIC + SOURCE + "[crawl]\ndownload_timeout = 0\n", "[crawl] field 'download_timeout'"),
        (TOPIC + "[database]\nurl = 5\n", "[database] field 'url': Input should be a valid string (got 5)"),
        ("[topic\n", "not valid TOML"),
    ],
)
def test_invalid_config_names_file_source_and_field(tmp_path: Path, text: str, fragment: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(path) in str(error.value)
    assert fragment in str(error.value)


def test_missing_file_says_how_to_point_at_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"config file not found \(pass --config PATH or set ACCORDS_CONFIG\)"):
        load_config(tmp_path / "nope.toml")


def test_unknown_source_lists_configured_ones(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, TOPIC + SOURCE))
    with pytest.raises(ConfigError, match=r"no source named 'other' \(configured: site\)"):
        config.source("other")


def test_schedules_and_service_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, TOPIC + SOURCE + 'schedule = "*/20  6-23 * * *"\ntimezone = "Asia/Jerusalem"\n'))
    source = config.source("site")
    assert (source.schedule, str(source.tzinfo)) == ("*/20 6-23 * * *", "Asia/Jerusalem")
    assert config.service.default_schedule == "every 1h"
    assert (config.service.max_concurrent_crawls, config.service.listen) == (2, "127.0.0.1:9310")


def test_shipped_config_is_valid_and_covers_the_languages() -> None:
    config = load_config(Path(__file__).resolve().parents[2] / "accords.toml")
    assert len(config.sources) >= 20
    terms = set(config.topic.terms)
    for term in ("Abraham Accords", "اتفاقيات أبراهام", "הסכמי אברהם", "accords d'Abraham",
                 "Авраамовы соглашения"):
        assert term in terms
    languages = {source.language for source in config.sources}
    assert {"en", "ar", "fr", "ru"} <= languages


PG = '[database]\nurl = "postgresql+psycopg://u@db/accords"\n'


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (TOPIC + SOURCE + "[distributed]\nenabled = true\n",
         "[distributed] enabled = true needs a PostgreSQL database that every machine shares, but [database] "
         "field 'url' is sqlite"),
        (PG + TOPIC + SOURCE + '[distributed]\nenabled = true\nbroker_url = "http://broker:6379"\n',
         "[distributed] field 'broker_url': expected a Celery broker URL such as 'redis://127.0.0.1:6379/0'"),
        (PG + TOPIC + SOURCE + 'crawl_timeout = 600\n[distributed]\nenabled = true\nvisibility_timeout = 300\n',
         "[distributed] field 'visibility_timeout': 300 s must be at least the longest crawl timeout (600 s) plus "
         "15 s to stop it"),
        (PG + TOPIC + SOURCE + '[distributed]\nqueue = "Crawls!"\n', "[distributed] field 'queue'"),
    ],
)
def test_invalid_distributed_section_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str,
                                              fragment: str) -> None:
    monkeypatch.delenv("ACCORDS_DATABASE_URL", raising=False)
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, text))
    assert fragment in str(error.value)


def test_distributed_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACCORDS_DATABASE_URL", raising=False)
    assert load_config(write(tmp_path, TOPIC + SOURCE)).distributed.enabled is False
    config = load_config(write(tmp_path, PG + TOPIC + SOURCE + "crawl_timeout = 2400\n[distributed]\nenabled = true\n"))
    assert (config.distributed.broker_url, config.distributed.queue) == ("redis://127.0.0.1:6379/0", "accords")
    assert config.visibility_timeout == 2460  # the longest crawl timeout and a minute


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (TOPIC + '[[sources]]\nname = "g"\ntype = "gdelt"\nfeeds = ["https://e.com/f"]\n',
         "source 'g' (sources[0]): a gdelt source searches its service: it takes no 'feeds'"),
        (TOPIC + '[[sources]]\nname = "g"\ntype = "gdelt"\nhl = "en"\n', "'hl' is not a key of gdelt sources"),
        (TOPIC + '[[sources]]\nname = "g"\ntype = "google_news"\ntimespan = "1d"\n',
         "'timespan' is not a key of google_news sources"),
        (TOPIC + '[[sources]]\nname = "g"\ntype = "gdelt"\ntimespan = "yesterday"\n',
         "field 'timespan': expected a GDELT timespan such as '15min'"),
        (TOPIC + SOURCE + 'query = "x"\n', "'query' is for query sources"),
        (TOPIC + '[[sources]]\nname = "g"\ntype = "bing"\n', "source 'g' (sources[0]): field 'type'"),
    ],
)
def test_query_source_keys_are_checked_against_the_type(tmp_path: Path, text: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, text))
    assert fragment in str(error.value)


def test_query_source_scope_and_endpoint(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, TOPIC + '[[sources]]\nname = "g"\ntype = "gdelt"\n'
                               'denied_domains = ["msn.com"]\n' + SOURCE + 'denied_domains = ["ads.example.com"]\n'))
    gdelt, site = config.source("g"), config.source("site")
    assert gdelt.service_url == "https://api.gdeltproject.org/api/v2/doc/doc"
    assert gdelt.admits("https://www.thenationalnews.com/a.html") and not gdelt.admits("https://www.msn.com/a")
    assert site.admits("https://example.com/a") and not site.admits("https://ads.example.com/a")
    assert not site.admits("https://other.org/a")
