"""charge line container: what a drug came in (single- or multiple-dose), for the JW/JZ edit

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 14:52:24.798634
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('charge_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('container', sa.String(length=12), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_charge_lines_container_kind'),
            "container IS NULL OR container IN ('single_dose', 'multi_dose')",
        )


def downgrade() -> None:
    with op.batch_alter_table('charge_lines', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_charge_lines_container_kind'), type_='check')
        batch_op.drop_column('container')
