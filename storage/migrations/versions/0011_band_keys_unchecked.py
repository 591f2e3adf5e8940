"""article_bands on PostgreSQL: no foreign key; a statement trigger deletes a deleted article's band keys

The foreign key made PostgreSQL check every band-key row as it was inserted, one lookup per row: about
a quarter of a millisecond of server CPU per article, 96 rows each, 43% of inserting them. The rows are
only ever written in the transaction that inserts their article, so the check never failed; what the
key still gave, its ``ON DELETE CASCADE``, a trigger on ``articles`` now does, once per statement.
SQLite keeps the key: its check runs in the crawl process and costs little.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

FOREIGN_KEY = "fk_article_bands_article_id_articles"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_constraint(FOREIGN_KEY, "article_bands", type_="foreignkey")
    op.execute("""CREATE FUNCTION article_bands_of_deleted_articles() RETURNS trigger LANGUAGE plpgsql AS $$
                  BEGIN
                      DELETE FROM article_bands WHERE article_id IN (SELECT id FROM deleted_articles);
                      RETURN NULL;
                  END $$""")
    op.execute("""CREATE TRIGGER articles_delete_band_keys AFTER DELETE ON articles
                  REFERENCING OLD TABLE AS deleted_articles FOR EACH STATEMENT
                  EXECUTE FUNCTION article_bands_of_deleted_articles()""")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER articles_delete_band_keys ON articles")
    op.execute("DROP FUNCTION article_bands_of_deleted_articles()")
    op.execute("DELETE FROM article_bands WHERE NOT EXISTS (SELECT 1 FROM articles WHERE articles.id = article_id)")
    op.create_foreign_key(FOREIGN_KEY, "article_bands", "articles", ["article_id"], ["id"], ondelete="CASCADE")
