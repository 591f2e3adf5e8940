"""full-text search: FTS5 on SQLite, a weighted tsvector with a GIN index on PostgreSQL

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28

SQLite: ``articles_fts`` is an external-content FTS5 table over title,
description and body, kept in sync with ``articles`` by triggers. PostgreSQL:
``articles.search_vector`` is a stored generated column (title weight A,
description B, body C; the 'simple' configuration, as the articles are in many
languages) with a GIN index.
"""

from __future__ import annotations

from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

SQLITE = [
    """CREATE VIRTUAL TABLE articles_fts USING fts5(
           title, description, body, content='articles', content_rowid='id',
           tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
           INSERT INTO articles_fts(rowid, title, description, body)
           VALUES (new.id, new.title, coalesce(new.description, ''), new.body);
       END""",
    """CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
           INSERT INTO articles_fts(articles_fts, rowid, title, description, body)
           VALUES ('delete', old.id, old.title, coalesce(old.description, ''), old.body);
       END""",
    """CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, description, body ON articles BEGIN
           INSERT INTO articles_fts(articles_fts, rowid, title, description, body)
           VALUES ('delete', old.id, old.title, coalesce(old.description, ''), old.body);
           INSERT INTO articles_fts(rowid, title, description, body)
           VALUES (new.id, new.title, coalesce(new.description, ''), new.body);
       END""",
    "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
]
POSTGRES = [
    """ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
           setweight(to_tsvector('simple', coalesce(title, '')), 'A')
           || setweight(to_tsvector('simple', coalesce(description, '')), 'B')
           || setweight(to_tsvector('simple', coalesce(body, '')), 'C')) STORED""",
    "CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)",
]


def upgrade() -> None:
    for statement in POSTGRES if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_articles_search_vector")
        op.execute("ALTER TABLE articles DROP COLUMN IF EXISTS search_vector")
    else:
        for trigger in ("articles_fts_insert", "articles_fts_delete", "articles_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS articles_fts")
