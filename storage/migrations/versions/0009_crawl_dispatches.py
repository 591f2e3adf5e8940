"""crawl dispatches: crawls sent to the workers

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage._types import UTCDateTime

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('crawl_dispatches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('waiting', 'queued', 'started', 'done', 'skipped', name='dispatchstate', native_enum=False, length=16), nullable=False),
    sa.Column('due_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', UTCDateTime(timezone=True), nullable=True),
    sa.Column('send_attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('started_at', UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', UTCDateTime(timezone=True), nullable=True),
    sa.Column('deliveries', sa.Integer(), nullable=False),
    sa.Column('worker', sa.String(length=255), nullable=True),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['crawl_runs.id'], name=op.f('fk_crawl_dispatches_run_id_crawl_runs')),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_crawl_dispatches_source_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crawl_dispatches'))
    )
    with op.batch_alter_table('crawl_dispatches', schema=None) as batch_op:
        batch_op.create_index('ix_crawl_dispatches_state_due_at', ['state', 'due_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('crawl_dispatches', schema=None) as batch_op:
        batch_op.drop_index('ix_crawl_dispatches_state_due_at')

    op.drop_table('crawl_dispatches')
