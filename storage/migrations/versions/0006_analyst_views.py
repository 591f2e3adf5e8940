"""analyst views: story_overview, daily_source_counts, daily_language_counts, daily_country_counts, article_terms

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28

Views count relevant articles only. A day is the UTC date of publication (first
sighting when undated). The SQL differs per database where dates, string
aggregation and JSON expansion do.
"""

from __future__ import annotations

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

VIEWS = ("story_overview", "daily_source_counts", "daily_language_counts", "daily_country_counts", "article_terms")


def _sql(dialect: str) -> dict[str, str]:
    postgres = dialect == "postgresql"
    day = ("(coalesce(a.published_at, a.first_seen_at) AT TIME ZONE 'UTC')::date" if postgres
           else "date(coalesce(a.published_at, a.first_seen_at))")
    outlets = "string_agg(DISTINCT s.name, ', ' ORDER BY s.name)" if postgres else "group_concat(DISTINCT s.name)"
    terms = ("jsonb_each(a.matched_terms) AS t(key, value)" if postgres else "json_each(a.matched_terms) AS t")
    count = ("coalesce((t.value->>'{place}')::int, 0)" if postgres
             else "coalesce(json_extract(t.value, '$.{place}'), 0)")
    return {
        "story_overview": f"""
            SELECT st.id AS story_id, o.id AS origin_article_id, o.title, o.canonical_url AS origin_url,
                   o.published_at, count(a.id) AS articles, count(a.id) - 1 AS copies,
                   count(DISTINCT a.source_id) AS outlet_count, {outlets} AS outlets
            FROM stories st
            JOIN articles o ON o.id = st.origin_article_id
            JOIN articles a ON a.story_id = st.id
            JOIN sources s ON s.id = a.source_id
            WHERE a.relevant
            GROUP BY st.id, o.id, o.title, o.canonical_url, o.published_at""",
        "daily_source_counts": f"""
            SELECT {day} AS day, s.name AS source, count(*) AS articles
            FROM articles a JOIN sources s ON s.id = a.source_id
            WHERE a.relevant GROUP BY 1, 2""",
        "daily_language_counts": f"""
            SELECT {day} AS day, coalesce(a.language, 'unknown') AS language, count(*) AS articles
            FROM articles a WHERE a.relevant GROUP BY 1, 2""",
        "daily_country_counts": f"""
            SELECT {day} AS day, c.country_code, count(*) AS articles, sum(c.mentions) AS mentions
            FROM articles a JOIN article_countries c ON c.article_id = a.id
            WHERE a.relevant GROUP BY 1, 2""",
        "article_terms": f"""
            SELECT a.id AS article_id, a.canonical_url, a.title, t.key AS term,
                   {count.format(place="title")} AS in_title,
                   {count.format(place="description")} AS in_description,
                   {count.format(place="body")} AS in_body
            FROM articles a, {terms}
            WHERE a.relevant""",
    }


def upgrade() -> None:
    for name, select in _sql(op.get_bind().dialect.name).items():
        op.execute(f"CREATE VIEW {name} AS {select}")


def downgrade() -> None:
    for name in reversed(VIEWS):
        op.execute(f"DROP VIEW IF EXISTS {name}")
