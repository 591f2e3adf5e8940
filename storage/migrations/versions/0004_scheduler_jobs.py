"""scheduler job store: the table APScheduler's SQLAlchemyJobStore uses

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28

APScheduler would create the table itself on first start; creating it here keeps
every table of the database under Alembic. The layout is APScheduler 3's.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'apscheduler_jobs',
        sa.Column('id', sa.Unicode(191), primary_key=True),
        sa.Column('next_run_time', sa.Float(25), index=True),
        sa.Column('job_state', sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table('apscheduler_jobs')
