"""Inserting rows given row by row or column by column, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage._upsert import insert_new_columns
from storage.articles import store_articles
from storage.models import Article, ArticleBand
from storage.runs import ensure_source
from tests.storage.test_stories import CHECK, row


@pytest.mark.parametrize("count", [1, 2, 500])
def test_rows_given_column_by_column_are_stored_as_they_are(session: Session, count: int) -> None:
    source_id = ensure_source(session, "wire", None)
    store_articles(session, source_id, None, [row("https://a.example/water")], CHECK)
    article_id = session.scalars(select(Article.id)).one()
    keys = [-(2**62) + 7 * number for number in range(count)]
    before = {tuple(found) for found in session.execute(select(ArticleBand.band_key, ArticleBand.article_id))}
    insert_new_columns(session, ArticleBand.__table__, {"band_key": keys, "article_id": [article_id] * count},
                       ["band_key", "article_id"])
    after = {tuple(found) for found in session.execute(select(ArticleBand.band_key, ArticleBand.article_id))}
    assert after - before == {(key, article_id) for key in keys} and before <= after
