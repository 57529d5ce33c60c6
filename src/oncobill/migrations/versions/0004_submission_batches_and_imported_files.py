"""submission batches, control counters, imported acknowledgments

Each 837 file sent (control numbers, payer, content and hash, when it went) and its claims; the
durable X12 control-number counters; the 999/277CA files imported, keyed by sender, ISA13 and hash.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 15:00:31.896551
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('control_counters',
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('value >= 0 AND value <= 999999999', name=op.f('ck_control_counters_value_range')),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_control_counters'))
    )
    op.create_table('imported_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=5), nullable=False),
    sa.Column('file_name', sa.String(length=300), nullable=False),
    sa.Column('sender_id', sa.String(length=15), nullable=False),
    sa.Column('interchange_control_number', sa.Integer(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('imported_by', sa.String(length=60), nullable=False),
    sa.Column('claims_moved', sa.Integer(), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.CheckConstraint("kind IN ('999', '277CA', '835')", name=op.f('ck_imported_files_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_imported_files')),
    sa.UniqueConstraint('content_sha256', name=op.f('uq_imported_files_content_sha256')),
    sa.UniqueConstraint('sender_id', 'interchange_control_number', 'kind', name=op.f('uq_imported_files_sender_id_interchange_control_number_kind'))
    )
    op.create_table('submission_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=100), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=False),
    sa.Column('form', sa.Enum('837P', '837I', name='batch_form', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('interchange_control_number', sa.Integer(), nullable=False),
    sa.Column('group_control_number', sa.Integer(), nullable=False),
    sa.Column('set_control_number', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=30), nullable=False),
    sa.Column('claim_count', sa.Integer(), nullable=False),
    sa.Column('total_charge', sa.BigInteger(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=60), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('sent_via', sa.String(length=20), nullable=True),
    sa.Column('destination', sa.String(length=300), nullable=True),
    sa.CheckConstraint('claim_count > 0', name=op.f('ck_submission_batches_claim_count_positive')),
    sa.CheckConstraint('total_charge >= 0', name=op.f('ck_submission_batches_total_not_negative')),
    sa.ForeignKeyConstraint(['payer_id'], ['payers.id'], name=op.f('fk_submission_batches_payer_id_payers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission_batches')),
    sa.UniqueConstraint('content_sha256', name=op.f('uq_submission_batches_content_sha256')),
    sa.UniqueConstraint('file_name', name=op.f('uq_submission_batches_file_name')),
    sa.UniqueConstraint('group_control_number', name=op.f('uq_submission_batches_group_control_number')),
    sa.UniqueConstraint('interchange_control_number', name=op.f('uq_submission_batches_interchange_control_number')),
    sa.UniqueConstraint('reference', name=op.f('uq_submission_batches_reference')),
    sa.UniqueConstraint('set_control_number', name=op.f('uq_submission_batches_set_control_number'))
    )
    with op.batch_alter_table('submission_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_batches_payer_id'), ['payer_id'], unique=False)

    op.create_table('submission_batch_claims',
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['submission_batches.id'], name=op.f('fk_submission_batch_claims_batch_id_submission_batches')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_submission_batch_claims_claim_id_claims')),
    sa.PrimaryKeyConstraint('batch_id', 'claim_id', name=op.f('pk_submission_batch_claims'))
    )
    with op.batch_alter_table('submission_batch_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_batch_claims_claim_id'), ['claim_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('submission_batch_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_batch_claims_claim_id'))

    op.drop_table('submission_batch_claims')
    with op.batch_alter_table('submission_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_batches_payer_id'))

    op.drop_table('submission_batches')
    op.drop_table('imported_files')
    op.drop_table('control_counters')
