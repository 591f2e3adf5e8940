"""relevance rule and flag, article countries

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op



revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('article_countries',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('mentions', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_article_countries_article_id_articles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', 'country_code', name=op.f('pk_article_countries'))
    )
    with op.batch_alter_table('article_countries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_countries_country_code'), ['country_code'], unique=False)

    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('relevant', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('relevance_rule', sa.String(length=200), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_column('relevance_rule')
        batch_op.drop_column('relevant')

    with op.batch_alter_table('article_countries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_countries_country_code'))

    op.drop_table('article_countries')
