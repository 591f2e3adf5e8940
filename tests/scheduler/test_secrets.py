"""The database password never appears in output, logs, run records or errors (PostgreSQL, trust auth
accepts any password, so a real one can be put in the URL)."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from storage.models import CrawlRun
from storage.session import make_engine
from tests.newsroom.fixture import Newsroom
from tests.scheduler.test_crawl_end_to_end import ACCORDS, TERMS, accords
from tests.scheduler.test_database_faults import article_count, postgres_outage, wait_until
from tests.support.databases import throwaway_database
from tests.support.service import wait_for

PASSWORD = "Secr3t-Pa55-w0rd"


def test_the_password_is_masked_everywhere(newsroom: Newsroom, tmp_path: Path) -> None:
    with throwaway_database("postgresql", tmp_path) as plain_url:
        url = make_url(plain_url).set(password=PASSWORD)
        database_url = url.render_as_string(hide_password=False)
        masked = url.render_as_string(hide_password=True)
        feed = newsroom.url("maghreb-news", "/__faults/many/feed.xml?n=30&delay=0.2")
        config = tmp_path / "accords.toml"
        config.write_text(
            f'[database]\nurl = "{database_url}"\nbatch_size = 1\n'
            f"[topic]\nterms = {json.dumps(TERMS, ensure_ascii=False)}\n"
            '[crawl]\ndownload_delay = 0\nretry_times = 0\n[service]\nlisten = "127.0.0.1:0"\njitter = 0\n'
            f'[[sources]]\nname = "many"\nfeeds = ["{feed}"]\n'
            f'start_urls = ["{newsroom.url("maghreb-news", "/__faults/status/404")}"]\nschedule = "every 2s"\n',
            encoding="utf-8",
        )
        outputs: list[str] = []

        init = accords(config, "--verbose", "init-db")
        outputs += [init.stdout, init.stderr]
        assert f"database ready: {masked}" in init.stdout

        crawl = subprocess.Popen([ACCORDS, "--config", str(config), "--verbose", "--debug", "crawl"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_until(lambda: article_count(database_url) >= 3, 60, "3 articles stored")
        with postgres_outage(str(url.database)):
            time.sleep(2)
        outputs += crawl.communicate(timeout=120)
        assert crawl.returncode == 0, outputs[-2:]
        assert "retrying in" in outputs[-1] + outputs[-2]  # the outage was logged

        service = subprocess.Popen([ACCORDS, "--config", str(config), "--verbose", "serve"],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        engine = make_engine(database_url)
        try:
            wait_for(lambda: _runs(engine) >= 2 or None, 60, "a scheduled crawl", lambda: "")
        finally:
            service.send_signal(signal.SIGTERM)
            outputs.append(service.communicate(timeout=60)[0])
        for command in ("status", "sources", "history"):
            result = accords(config, "--debug", command, *(["https://example.invalid/"] if command == "history"
                                                            else []))
            outputs += [result.stdout, result.stderr]
        unreachable = config.read_text(encoding="utf-8").replace(f"@{url.host}:{url.port}", f"@{url.host}:1")
        config.write_text(unreachable, encoding="utf-8")
        broken = accords(config, "--debug", "status")
        outputs += [broken.stdout, broken.stderr]
        assert broken.returncode == 2 and broken.stderr.startswith("Traceback")

        with Session(engine) as session:
            records = [json.dumps([run.error_text, run.stats], default=str)
                       for run in session.scalars(select(CrawlRun))]
        engine.dispose()
        assert len(records) >= 2 and any("HTTP 404" in record for record in records)
        leaks = [text for text in outputs + records if PASSWORD in text]
        assert leaks == []
        assert f"cannot use the database at {url.set(port=1).render_as_string(hide_password=True)}" in broken.stderr


def _runs(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.scalars(select(CrawlRun.id)).all())
