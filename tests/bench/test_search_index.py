"""bench/search_index.py on a few articles: each variant's table is what it says, and every row is stored and found."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from bench.search_index import ALONE, GIN_INDEXES, VARIANTS, article_rows, create_articles, insert_cpu_ms
from tests.support.databases import throwaway_database

BODIES = ["The Abraham Accords normalized relations.", "Trade under the Accords grew in its second year."]


def test_each_variant_stores_every_article_with_its_own_search_index(tmp_path: Path) -> None:
    rows = article_rows(BODIES, 120)  # three transactions
    found: dict[str, tuple[int, list[tuple[str, list[str] | None]], int | None, int]] = {}
    with throwaway_database("postgresql", tmp_path) as url:
        engine = create_engine(url)
        with engine.connect() as connection:
            for variant in VARIANTS:
                create_articles(connection, variant)
                connection.commit()
                insert_cpu_ms(connection, rows)
                has_vector = connection.execute(text(
                    "SELECT count(*) FROM information_schema.columns "
                    "WHERE table_name = 'articles' AND column_name = 'search_vector'")).scalar_one()
                matches = connection.execute(text(
                    "SELECT count(*) FROM articles WHERE search_vector @@ to_tsquery('simple', 'accords')")
                ).scalar_one() if has_vector else None
                stored = connection.execute(text("SELECT count(*) FROM articles WHERE body LIKE 'Copy %'")).scalar_one()
                found[variant] = (has_vector, [tuple(row) for row in connection.execute(text(GIN_INDEXES))],
                                  matches, stored)
                if variant == "none":  # each expression is computed over every row
                    computed = [connection.execute(text(f"SELECT sum({expression}) FROM articles")).scalar_one()
                                for expression in ALONE.values()]
                connection.execute(text("DROP TABLE articles"))
                connection.commit()
        engine.dispose()

    # "Copy 0. The Abraham Accords normalized relations.": 7 lexemes;
    # "Copy 1. Trade under the Accords grew in its second year.": 11
    assert computed == [60 * 7 + 60 * 11]
    gin = "ix_articles_search_vector"
    assert found == {
        "none": (0, [], None, 120),
        "vector": (1, [], 120, 120),
        "vector + gin": (1, [(gin, None)], 120, 120),
        "gin, pending list 16 MiB": (1, [(gin, ["gin_pending_list_limit=16384"])], 120, 120),
        "gin, fastupdate off": (1, [(gin, ["fastupdate=off"])], 120, 120),
    }
