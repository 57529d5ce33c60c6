"""era imports, remit claims, quarantine and remit work queue

Each 835 set posted once (unique payer, TRN02, ST02), what each CLP posted and the journal entries
it made, payer claim numbers seen, PLB postings, quarantined sets and the remit work queue; the
journal entry kind provider_adjustment (PLB) joins the CHECK on journal_entries.kind.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 15:35:57.012300
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

OLD_KINDS = ("'charge', 'payer_payment', 'contractual_adjustment', 'transfer_to_payer', 'transfer_to_patient', "
             "'patient_payment', 'write_off', 'refund', 'reversal'")
NEW_KINDS = OLD_KINDS + ", 'provider_adjustment'"


def _entry_kinds(kinds: str) -> None:
    with op.batch_alter_table('journal_entries', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_journal_entries_entry_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_journal_entries_entry_kind'), f"kind IN ({kinds})")


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('era_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payer_key', sa.String(length=80), nullable=False),
    sa.Column('trace_number', sa.String(length=50), nullable=False),
    sa.Column('control_number', sa.String(length=9), nullable=False),
    sa.Column('file_name', sa.String(length=300), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('payer_name', sa.String(length=60), nullable=False),
    sa.Column('payment_amount', sa.BigInteger(), nullable=False),
    sa.Column('payment_date', sa.Date(), nullable=True),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('imported_by', sa.String(length=60), nullable=False),
    sa.Column('claims_posted', sa.Integer(), nullable=False),
    sa.Column('work_items', sa.Integer(), nullable=False),
    sa.CheckConstraint('claims_posted >= 0 AND work_items >= 0', name=op.f('ck_era_imports_counts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_era_imports')),
    sa.UniqueConstraint('payer_key', 'trace_number', 'control_number', name=op.f('uq_era_imports_payer_key_trace_number_control_number'))
    )
    op.create_table('quarantined_eras',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=300), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('payer_key', sa.String(length=80), nullable=False),
    sa.Column('trace_number', sa.String(length=50), nullable=False),
    sa.Column('control_number', sa.String(length=9), nullable=False),
    sa.Column('reason', sa.String(length=2000), nullable=False),
    sa.Column('quarantined_at', sa.DateTime(), nullable=False),
    sa.Column('quarantined_by', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quarantined_eras')),
    sa.UniqueConstraint('content_sha256', 'control_number', name=op.f('uq_quarantined_eras_content_sha256_control_number'))
    )
    with op.batch_alter_table('quarantined_eras', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quarantined_eras_content_sha256'), ['content_sha256'], unique=False)

    op.create_table('payer_claim_numbers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=False),
    sa.Column('payer_claim_number', sa.String(length=50), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_payer_claim_numbers_claim_id_claims')),
    sa.ForeignKeyConstraint(['payer_id'], ['payers.id'], name=op.f('fk_payer_claim_numbers_payer_id_payers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payer_claim_numbers')),
    sa.UniqueConstraint('payer_id', 'payer_claim_number', 'claim_id', name=op.f('uq_payer_claim_numbers_payer_id_payer_claim_number_claim_id'))
    )
    with op.batch_alter_table('payer_claim_numbers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payer_claim_numbers_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payer_claim_numbers_payer_claim_number'), ['payer_claim_number'], unique=False)

    op.create_table('provider_adjustment_postings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('era_import_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=2), nullable=False),
    sa.Column('reference', sa.String(length=50), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('journal_entry_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_provider_adjustment_postings_claim_id_claims')),
    sa.ForeignKeyConstraint(['era_import_id'], ['era_imports.id'], name=op.f('fk_provider_adjustment_postings_era_import_id_era_imports')),
    sa.ForeignKeyConstraint(['journal_entry_id'], ['journal_entries.id'], name=op.f('fk_provider_adjustment_postings_journal_entry_id_journal_entries')),
    sa.CheckConstraint('amount <> 0', name=op.f('ck_provider_adjustment_postings_amount')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_adjustment_postings'))
    )
    with op.batch_alter_table('provider_adjustment_postings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provider_adjustment_postings_era_import_id'), ['era_import_id'], unique=False)

    op.create_table('remit_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('era_import_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('claim_status_code', sa.String(length=2), nullable=False),
    sa.Column('payer_claim_number', sa.String(length=50), nullable=False),
    sa.Column('charge', sa.BigInteger(), nullable=False),
    sa.Column('paid', sa.BigInteger(), nullable=False),
    sa.Column('patient_responsibility', sa.BigInteger(), nullable=False),
    sa.Column('crossed_over', sa.Boolean(), nullable=False),
    sa.Column('reversed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_remit_claims_claim_id_claims')),
    sa.ForeignKeyConstraint(['era_import_id'], ['era_imports.id'], name=op.f('fk_remit_claims_era_import_id_era_imports')),
    sa.ForeignKeyConstraint(['reversed_by_id'], ['remit_claims.id'], name=op.f('fk_remit_claims_reversed_by_id_remit_claims')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remit_claims'))
    )
    with op.batch_alter_table('remit_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remit_claims_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_remit_claims_era_import_id'), ['era_import_id'], unique=False)

    op.create_table('remit_work_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('era_import_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('patient_control_number', sa.String(length=38), nullable=False),
    sa.Column('payer_claim_number', sa.String(length=50), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('procedure', sa.String(length=60), nullable=False),
    sa.Column('line_control_number', sa.String(length=50), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('detail', sa.String(length=500), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('unmatched_claim', 'unmatched_line', 'nothing_to_reverse', 'not_postable')", name=op.f('ck_remit_work_items_kind')),
    sa.CheckConstraint("status IN ('open', 'done')", name=op.f('ck_remit_work_items_status')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_remit_work_items_claim_id_claims')),
    sa.ForeignKeyConstraint(['era_import_id'], ['era_imports.id'], name=op.f('fk_remit_work_items_era_import_id_era_imports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remit_work_items'))
    )
    with op.batch_alter_table('remit_work_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remit_work_items_era_import_id'), ['era_import_id'], unique=False)

    op.create_table('remit_claim_entries',
    sa.Column('remit_claim_id', sa.Integer(), nullable=False),
    sa.Column('journal_entry_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['journal_entry_id'], ['journal_entries.id'], name=op.f('fk_remit_claim_entries_journal_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['remit_claim_id'], ['remit_claims.id'], name=op.f('fk_remit_claim_entries_remit_claim_id_remit_claims')),
    sa.PrimaryKeyConstraint('remit_claim_id', 'journal_entry_id', name=op.f('pk_remit_claim_entries'))
    )
    _entry_kinds(NEW_KINDS)


def downgrade() -> None:
    op.execute("DELETE FROM journal_lines WHERE entry_id IN "
               "(SELECT id FROM journal_entries WHERE kind = 'provider_adjustment')")
    op.execute("DELETE FROM journal_entries WHERE kind = 'provider_adjustment'")
    _entry_kinds(OLD_KINDS)
    op.drop_table('remit_claim_entries')
    with op.batch_alter_table('remit_work_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remit_work_items_era_import_id'))

    op.drop_table('remit_work_items')
    with op.batch_alter_table('remit_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remit_claims_era_import_id'))
        batch_op.drop_index(batch_op.f('ix_remit_claims_claim_id'))

    op.drop_table('remit_claims')
    with op.batch_alter_table('provider_adjustment_postings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provider_adjustment_postings_era_import_id'))

    op.drop_table('provider_adjustment_postings')
    with op.batch_alter_table('payer_claim_numbers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payer_claim_numbers_payer_claim_number'))
        batch_op.drop_index(batch_op.f('ix_payer_claim_numbers_claim_id'))

    op.drop_table('payer_claim_numbers')
    with op.batch_alter_table('quarantined_eras', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quarantined_eras_content_sha256'))

    op.drop_table('quarantined_eras')
    op.drop_table('era_imports')
