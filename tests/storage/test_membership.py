"""``one_of``: a column's value among many, on both databases; on PostgreSQL one array parameter."""

from __future__ import annotations

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from storage._arrays import array_parameter
from storage._membership import one_of
from storage.articles import store_articles
from storage.models import Article, ArticleBand
from storage.runs import ensure_source
from tests.storage.test_stories import row


def test_many_band_keys_find_exactly_the_articles_that_have_them(session: Session) -> None:
    source_id = ensure_source(session, "wire", None)
    store_articles(session, source_id, None, [row("https://a.example/water")])
    stored = set(session.scalars(select(ArticleBand.band_key)))
    wanted = sorted(stored)[:10] + list(range(1, 3000))  # ten stored keys among thousands of others
    statements: list[tuple[str, object]] = []
    engine = session.get_bind().engine

    def record(_conn: object, _cursor: object, statement: str, parameters: object, *_args: object) -> None:
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        found = set(session.scalars(select(ArticleBand.band_key).where(one_of(session, ArticleBand.band_key, wanted))))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert found == set(sorted(stored)[:10])
    if session.get_bind().dialect.name == "postgresql":  # the keys as the array's text, read by the server as BIGINT[]
        (statement, parameters), = statements
        assert statement.endswith("= ANY (%(param_1)s::BIGINT[])")
        assert parameters == {"param_1": "{" + ",".join(map(str, wanted)) + "}"}


def test_an_integer_array_parameter_is_an_array_of_its_column_type_on_postgresql(session: Session) -> None:
    if session.get_bind().dialect.name != "postgresql":
        assert one_of(session, Article.id, [1, 2]).compile().params == {"id_1": [1, 2]}  # SQLite: a plain IN list
        return
    ids = array_parameter(None, [3, 1, 2], Article.id.type)
    assert session.execute(select(func.pg_typeof(ids), ids)).one() == ("integer[]", [3, 1, 2])
    texts = array_parameter(None, ["a,b", 'q"uote'], Article.canonical_url.type)  # not integers: psycopg's list
    assert session.scalar(select(texts)) == ["a,b", 'q"uote']
