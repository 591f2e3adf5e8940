"""frontier: every discovered article URL and its state; http_validators: feeds' and sitemaps' ETags

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage._types import UTCDateTime

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('frontier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('url_key', sa.String(length=2048), nullable=False),
    sa.Column('found_via', sa.String(length=16), nullable=False),
    sa.Column('first_seen_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('state', sa.Enum('new', 'fetched', 'failed', 'skipped', name='frontierstate', native_enum=False, length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_frontier_source_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_frontier')),
    sa.UniqueConstraint('source_id', 'url_key', name=op.f('uq_frontier_source_id'))
    )
    with op.batch_alter_table('frontier', schema=None) as batch_op:
        batch_op.create_index('ix_frontier_source_id_state', ['source_id', 'state'], unique=False)

    op.create_table('http_validators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('etag', sa.String(length=1024), nullable=True),
    sa.Column('last_modified', sa.String(length=64), nullable=True),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_http_validators_source_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_http_validators')),
    sa.UniqueConstraint('source_id', 'url', name=op.f('uq_http_validators_source_id'))
    )


def downgrade() -> None:
    op.drop_table('http_validators')
    with op.batch_alter_table('frontier', schema=None) as batch_op:
        batch_op.drop_index('ix_frontier_source_id_state')

    op.drop_table('frontier')
