"""bench/growth.py at tiny sizes on SQLite: the store grows as asked and the probes are filed as the pipeline would."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import ColumnElement, func, select, text

from bench.growth import grow, table
from bench.growth_load import BANDS_PER_ARTICLE, WARMERS
from storage.migrate import upgrade
from storage.models import Article, ArticleBand, SeenUrl, Story
from storage.session import make_engine
from tests.support.databases import throwaway_database


def test_grows_step_by_step_and_measures_every_size(tmp_path: Path) -> None:
    with throwaway_database("sqlite", tmp_path) as url:
        measurements = list(grow(url, (100, 300), probes=40, batch_size=20))
        engine = make_engine(url)
        with engine.connect() as connection:
            def count(model: type, *where: ColumnElement[bool]) -> int:
                return connection.execute(select(func.count()).select_from(model).where(*where)).scalar_one()

            articles, stories = count(Article), count(Story)
            seen, bulk_seen = count(SeenUrl), count(SeenUrl, SeenUrl.url_key.like("https://bench.example/%"))
            bulk_bands = count(ArticleBand, ArticleBand.article_id.in_(
                select(Article.id).where(Article.canonical_url.like("https://bench.example/%"))))
            probe_bands = count(ArticleBand) - bulk_bands
        engine.dispose()

    assert [(m.database, m.size, m.probes, m.articles) for m in measurements] == [
        ("sqlite", 100, 40, 140), ("sqlite", 300, 40, 340)]
    # 100 bulk + 40 probes, then 160 bulk (to 300) + 40 probes
    assert articles == 340
    # one probe in ten is an exact copy and one a near copy of an earlier probe: they join its story
    assert [m.copies for m in measurements] == [8, 8]
    assert stories == 340 - 16
    # the listing check finds the stored half of the keys it asks about
    assert [m.listing_seen for m in measurements] == [50, 50]
    assert bulk_seen == 260 and seen == 260 + 80 * 2
    assert bulk_bands == 260 * BANDS_PER_ARTICLE and probe_bands >= 80 * 80
    for m in measurements:
        assert m.store_ms > 0 and m.seen_query_ms > 0 and m.listing_check_us > 0
        assert m.checkpoint_ms > 0 and m.checkpoint_cpu_ms > 0  # the probes' commits were checkpointed

    lines = table(measurements)
    assert len(lines) == 3 and lines[0].split()[:3] == ["database", "stored", "load"]
    assert lines[1].split()[:2] == ["sqlite", "100"] and lines[2].split()[:2] == ["sqlite", "300"]
    assert lines[1].split()[4] == "1.00"  # the first size is the baseline of the ratios

    # measured again just after the largest size, the smallest size becomes the ratios' baseline
    again = replace(measurements[0], again=True, store_ms=measurements[0].store_ms * 2)
    lines = table([*measurements, again])
    assert lines[3].split()[:3] == ["sqlite", "100", "again"]
    assert lines[1].split()[4] == "0.50" and lines[3].split()[5] == "1.00"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_warmer_reads_the_whole_store(backend: str, tmp_path: Path) -> None:
    with throwaway_database(backend, tmp_path) as url:
        engine = make_engine(url)
        upgrade(engine)
        with engine.connect() as connection:
            if backend == "sqlite":
                size = connection.execute(text("SELECT page_count * page_size FROM pragma_page_count(), "
                                               "pragma_page_size()")).scalar_one()
            else:
                size = connection.execute(text(
                    "SELECT sum(pg_relation_size(oid)) FROM pg_class WHERE relnamespace = "
                    "current_schema()::regnamespace AND relkind IN ('r', 'i')")).scalar_one()
        engine.dispose()
        assert size > 0
        assert WARMERS[backend](url) >= size
