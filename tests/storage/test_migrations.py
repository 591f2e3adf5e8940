"""Migrations upgrade a database that already holds data, on both backends, losing nothing."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text
from sqlalchemy.orm import Session

from storage.migrate import alembic_config, is_current, upgrade
from storage.search import search
from storage.session import make_engine


def test_upgrade_from_the_first_schema_keeps_the_data(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO sources (id, name, created_at) VALUES (1, 'wire', '2026-11-01')"))
        connection.execute(text(
            "INSERT INTO articles (id, source_id, canonical_url, url, title, authors, body, word_count, tags, "
            "relevance_score, matched_terms, first_seen_at, fetched_at) VALUES (1, 1, 'https://w/1', 'https://w/1', "
            "'Water summit', '[]', 'Ministers met to discuss the water summit.', 7, '[]', 3.0, '{}', "
            "'2026-11-01', '2026-11-01')"))
        connection.execute(text("INSERT INTO seen_urls (url_key, source_id, article_id, outcome, first_seen_at) "
                                "VALUES ('https://w/1', 1, 1, 'stored', '2026-11-01')"))
    assert not is_current(engine)
    upgrade(engine)
    assert is_current(engine)
    with engine.connect() as connection:
        row = connection.execute(text("SELECT title, relevant, field_sources FROM articles WHERE id = 1")).one()
        assert row[0] == "Water summit" and row[1] in (True, 1)
        assert connection.execute(text("SELECT count(*) FROM seen_urls WHERE article_id = 1")).scalar() == 1
        found = connection.execute(text("SELECT count(*) FROM article_terms")).scalar()
        assert found == 0  # no matched terms in the old row
    with Session(engine) as session:  # rows stored before full-text search existed are searchable
        assert [hit.canonical_url for hit in search(session, "water summit")] == ["https://w/1"]
    upgrade(engine)  # idempotent
    engine.dispose()


def test_article_text_is_compressed_with_lz4_on_postgresql_and_the_step_undoes(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)

    def methods() -> dict[str, str]:
        with engine.connect() as connection:
            return dict(connection.execute(text(
                "SELECT attrelid::regclass::text || '.' || attname, attcompression FROM pg_attribute "
                "WHERE attrelid IN ('articles'::regclass, 'article_versions'::regclass) AND attcompression <> ''"
            )).all())

    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:  # lz4 needs a server built with it (this machine's is)
            lz4 = "lz4" in connection.execute(text(
                "SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")).scalar_one()
        compressed = {"articles.body": "l", "articles.search_vector": "l", "article_versions.body": "l"} if lz4 else {}
        assert methods() == compressed
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "0011")
        assert methods() == {}
        upgrade(engine)
        assert methods() == compressed
    assert is_current(engine)
    engine.dispose()
