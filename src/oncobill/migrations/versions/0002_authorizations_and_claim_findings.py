"""authorizations and claim findings

Prior authorizations (REF*G1, units per code, date span), scrubber findings per claim, and the
authorization a claim line bills under.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 14:16:27.819374
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('authorizations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('auth_number', sa.String(length=50), nullable=False),
    sa.Column('status', sa.Enum('approved', 'partial', 'pending', 'denied', 'cancelled', name='authorization_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('approved_units', sa.JSON(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.CheckConstraint('end_date >= start_date', name=op.f('ck_authorizations_dates_ordered')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_authorizations_patient_id_patients')),
    sa.ForeignKeyConstraint(['payer_id'], ['payers.id'], name=op.f('fk_authorizations_payer_id_payers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authorizations')),
    sa.UniqueConstraint('payer_id', 'auth_number', name=op.f('uq_authorizations_payer_id_auth_number'))
    )
    with op.batch_alter_table('authorizations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_authorizations_patient_id'), ['patient_id'], unique=False)

    op.create_table('claim_findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('edit_id', sa.String(length=40), nullable=False),
    sa.Column('severity', sa.Enum('error', 'warning', name='finding_severity', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('line_number', sa.Integer(), nullable=True),
    sa.Column('message', sa.String(length=500), nullable=False),
    sa.Column('fix', sa.String(length=500), nullable=False),
    sa.Column('found_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_findings_claim_id_claims')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_findings'))
    )
    with op.batch_alter_table('claim_findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_findings_claim_id'), ['claim_id'], unique=False)

    with op.batch_alter_table('claim_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('authorization_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_claim_lines_charge_line_id'), ['charge_line_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_claim_lines_authorization_id_authorizations'), 'authorizations', ['authorization_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('claim_lines', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_claim_lines_authorization_id_authorizations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_claim_lines_charge_line_id'))
        batch_op.drop_column('authorization_id')

    with op.batch_alter_table('claim_findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_findings_claim_id'))

    op.drop_table('claim_findings')
    with op.batch_alter_table('authorizations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_authorizations_patient_id'))

    op.drop_table('authorizations')
