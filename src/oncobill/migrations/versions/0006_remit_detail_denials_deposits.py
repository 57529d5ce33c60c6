"""remit service lines and adjustments, denial work items, underpayments, deposits, secondary claims

What each posted CLP said per SVC and per CAS triplet (verbatim, for the secondary claim's 2320/2430
and for the work queues), denial work items routed by the playbook, the underpayment queue, bank
deposits matched to ERAs, and claims.primary_claim_id naming the claim a secondary claim follows.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 16:32:03.294169
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('deposits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deposit_date', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('reference', sa.String(length=80), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('file_name', sa.String(length=300), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=60), nullable=False),
    sa.CheckConstraint("source IN ('bai2', 'csv', 'entered')", name=op.f('ck_deposits_source')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_deposits_amount')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deposits')),
    sa.UniqueConstraint('fingerprint', name=op.f('uq_deposits_fingerprint'))
    )
    op.create_index(op.f('ix_deposits_deposit_date'), 'deposits', ['deposit_date'], unique=False)
    op.create_table('deposit_matches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deposit_id', sa.Integer(), nullable=False),
    sa.Column('era_import_id', sa.Integer(), nullable=False),
    sa.Column('how', sa.String(length=20), nullable=False),
    sa.Column('matched_at', sa.DateTime(), nullable=False),
    sa.Column('matched_by', sa.String(length=60), nullable=False),
    sa.CheckConstraint("how IN ('trace', 'confirmed')", name=op.f('ck_deposit_matches_how')),
    sa.ForeignKeyConstraint(['deposit_id'], ['deposits.id'], name=op.f('fk_deposit_matches_deposit_id_deposits')),
    sa.ForeignKeyConstraint(['era_import_id'], ['era_imports.id'], name=op.f('fk_deposit_matches_era_import_id_era_imports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deposit_matches')),
    sa.UniqueConstraint('era_import_id', name=op.f('uq_deposit_matches_era_import_id'))
    )
    op.create_index(op.f('ix_deposit_matches_deposit_id'), 'deposit_matches', ['deposit_id'], unique=False)
    op.create_table('remit_service_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('remit_claim_id', sa.Integer(), nullable=False),
    sa.Column('claim_line_id', sa.Integer(), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('procedure_qualifier', sa.String(length=2), nullable=False),
    sa.Column('procedure', sa.String(length=48), nullable=False),
    sa.Column('modifiers', sa.JSON(), nullable=False),
    sa.Column('billed_procedure', sa.String(length=48), nullable=False),
    sa.Column('charge', sa.BigInteger(), nullable=False),
    sa.Column('paid', sa.BigInteger(), nullable=False),
    sa.Column('revenue_code', sa.String(length=4), nullable=False),
    sa.Column('units', sa.BigInteger(), nullable=False),
    sa.Column('allowed', sa.BigInteger(), nullable=True),
    sa.Column('service_date', sa.Date(), nullable=True),
    sa.Column('line_control_number', sa.String(length=50), nullable=False),
    sa.Column('remarks', sa.JSON(), nullable=False),
    sa.Column('matched_by', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['claim_line_id'], ['claim_lines.id'], name=op.f('fk_remit_service_lines_claim_line_id_claim_lines')),
    sa.ForeignKeyConstraint(['remit_claim_id'], ['remit_claims.id'], name=op.f('fk_remit_service_lines_remit_claim_id_remit_claims')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remit_service_lines')),
    sa.UniqueConstraint('remit_claim_id', 'sequence', name=op.f('uq_remit_service_lines_remit_claim_id_sequence'))
    )
    op.create_index(op.f('ix_remit_service_lines_claim_line_id'), 'remit_service_lines', ['claim_line_id'], unique=False)
    op.create_index(op.f('ix_remit_service_lines_remit_claim_id'), 'remit_service_lines', ['remit_claim_id'], unique=False)
    op.create_table('denial_work_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('era_import_id', sa.Integer(), nullable=True),
    sa.Column('remit_claim_id', sa.Integer(), nullable=True),
    sa.Column('remit_service_line_id', sa.Integer(), nullable=True),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('claim_line_id', sa.Integer(), nullable=True),
    sa.Column('payer_id', sa.Integer(), nullable=False),
    sa.Column('group_code', sa.String(length=2), nullable=False),
    sa.Column('carc', sa.String(length=5), nullable=False),
    sa.Column('rarcs', sa.JSON(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('procedure', sa.String(length=60), nullable=False),
    sa.Column('partial', sa.Boolean(), nullable=False),
    sa.Column('queue', sa.String(length=40), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('owner', sa.String(length=30), nullable=False),
    sa.Column('patient_billable', sa.String(length=20), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('due_reason', sa.String(length=300), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.Column('fix', sa.String(length=1000), nullable=False),
    sa.Column('route', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('assigned_to', sa.String(length=60), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('resolution', sa.String(length=30), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_by', sa.String(length=60), nullable=True),
    sa.Column('result_claim_id', sa.Integer(), nullable=True),
    sa.Column('journal_entry_id', sa.Integer(), nullable=True),
    sa.Column('document', sa.Text(), nullable=True),
    sa.Column('note', sa.String(length=2000), nullable=False),
    sa.CheckConstraint("(status = 'done') = (resolution IS NOT NULL)", name=op.f('ck_denial_work_items_resolved_has_resolution')),
    sa.CheckConstraint("group_code IN ('CO', 'PR', 'OA', 'PI', 'CR')", name=op.f('ck_denial_work_items_group_code')),
    sa.CheckConstraint("resolution IS NULL OR resolution IN ('corrected_claim', 'new_claim', 'appeal', 'write_off', 'transfer_to_patient', 'transfer_to_secondary', 'no_action', 'paid_on_appeal')", name=op.f('ck_denial_work_items_resolution')),
    sa.CheckConstraint("status IN ('open', 'in_progress', 'done')", name=op.f('ck_denial_work_items_status')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_denial_work_items_claim_id_claims')),
    sa.ForeignKeyConstraint(['claim_line_id'], ['claim_lines.id'], name=op.f('fk_denial_work_items_claim_line_id_claim_lines')),
    sa.ForeignKeyConstraint(['era_import_id'], ['era_imports.id'], name=op.f('fk_denial_work_items_era_import_id_era_imports')),
    sa.ForeignKeyConstraint(['journal_entry_id'], ['journal_entries.id'], name=op.f('fk_denial_work_items_journal_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['payer_id'], ['payers.id'], name=op.f('fk_denial_work_items_payer_id_payers')),
    sa.ForeignKeyConstraint(['remit_claim_id'], ['remit_claims.id'], name=op.f('fk_denial_work_items_remit_claim_id_remit_claims')),
    sa.ForeignKeyConstraint(['remit_service_line_id'], ['remit_service_lines.id'], name=op.f('fk_denial_work_items_remit_service_line_id_remit_service_lines')),
    sa.ForeignKeyConstraint(['result_claim_id'], ['claims.id'], name=op.f('fk_denial_work_items_result_claim_id_claims')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_denial_work_items'))
    )
    op.create_index(op.f('ix_denial_work_items_claim_id'), 'denial_work_items', ['claim_id'], unique=False)
    op.create_index(op.f('ix_denial_work_items_due_date'), 'denial_work_items', ['due_date'], unique=False)
    op.create_index(op.f('ix_denial_work_items_era_import_id'), 'denial_work_items', ['era_import_id'], unique=False)
    op.create_index(op.f('ix_denial_work_items_payer_id'), 'denial_work_items', ['payer_id'], unique=False)
    op.create_index(op.f('ix_denial_work_items_queue'), 'denial_work_items', ['queue'], unique=False)
    op.create_index(op.f('ix_denial_work_items_remit_claim_id'), 'denial_work_items', ['remit_claim_id'], unique=False)
    op.create_index(op.f('ix_denial_work_items_status'), 'denial_work_items', ['status'], unique=False)
    op.create_table('remit_adjustments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('remit_claim_id', sa.Integer(), nullable=False),
    sa.Column('remit_service_line_id', sa.Integer(), nullable=True),
    sa.Column('group_code', sa.String(length=2), nullable=False),
    sa.Column('reason', sa.String(length=5), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=True),
    sa.CheckConstraint("group_code IN ('CO', 'PR', 'OA', 'PI', 'CR')", name=op.f('ck_remit_adjustments_group_code')),
    sa.ForeignKeyConstraint(['remit_claim_id'], ['remit_claims.id'], name=op.f('fk_remit_adjustments_remit_claim_id_remit_claims')),
    sa.ForeignKeyConstraint(['remit_service_line_id'], ['remit_service_lines.id'], name=op.f('fk_remit_adjustments_remit_service_line_id_remit_service_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remit_adjustments'))
    )
    op.create_index(op.f('ix_remit_adjustments_remit_claim_id'), 'remit_adjustments', ['remit_claim_id'], unique=False)
    op.create_index(op.f('ix_remit_adjustments_remit_service_line_id'), 'remit_adjustments', ['remit_service_line_id'], unique=False)
    op.create_table('underpayment_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('remit_service_line_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('claim_line_id', sa.Integer(), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=False),
    sa.Column('allowed', sa.BigInteger(), nullable=False),
    sa.Column('expected', sa.BigInteger(), nullable=False),
    sa.Column('shortfall', sa.BigInteger(), nullable=False),
    sa.Column('basis', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_by', sa.String(length=60), nullable=True),
    sa.Column('note', sa.String(length=1000), nullable=False),
    sa.CheckConstraint("status IN ('open', 'disputed', 'recovered', 'accepted')", name=op.f('ck_underpayment_items_status')),
    sa.CheckConstraint('shortfall > 0', name=op.f('ck_underpayment_items_shortfall')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_underpayment_items_claim_id_claims')),
    sa.ForeignKeyConstraint(['claim_line_id'], ['claim_lines.id'], name=op.f('fk_underpayment_items_claim_line_id_claim_lines')),
    sa.ForeignKeyConstraint(['payer_id'], ['payers.id'], name=op.f('fk_underpayment_items_payer_id_payers')),
    sa.ForeignKeyConstraint(['remit_service_line_id'], ['remit_service_lines.id'], name=op.f('fk_underpayment_items_remit_service_line_id_remit_service_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_underpayment_items')),
    sa.UniqueConstraint('remit_service_line_id', name=op.f('uq_underpayment_items_remit_service_line_id'))
    )
    op.create_index(op.f('ix_underpayment_items_claim_id'), 'underpayment_items', ['claim_id'], unique=False)
    op.create_index(op.f('ix_underpayment_items_payer_id'), 'underpayment_items', ['payer_id'], unique=False)
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('primary_claim_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_claims_primary_claim_id'), ['primary_claim_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_claims_primary_claim_id_claims'), 'claims',
                                    ['primary_claim_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_claims_primary_claim_id_claims'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_claims_primary_claim_id'))
        batch_op.drop_column('primary_claim_id')
    op.drop_index(op.f('ix_underpayment_items_payer_id'), table_name='underpayment_items')
    op.drop_index(op.f('ix_underpayment_items_claim_id'), table_name='underpayment_items')
    op.drop_table('underpayment_items')
    op.drop_index(op.f('ix_remit_adjustments_remit_service_line_id'), table_name='remit_adjustments')
    op.drop_index(op.f('ix_remit_adjustments_remit_claim_id'), table_name='remit_adjustments')
    op.drop_table('remit_adjustments')
    op.drop_index(op.f('ix_denial_work_items_status'), table_name='denial_work_items')
    op.drop_index(op.f('ix_denial_work_items_remit_claim_id'), table_name='denial_work_items')
    op.drop_index(op.f('ix_denial_work_items_queue'), table_name='denial_work_items')
    op.drop_index(op.f('ix_denial_work_items_payer_id'), table_name='denial_work_items')
    op.drop_index(op.f('ix_denial_work_items_era_import_id'), table_name='denial_work_items')
    op.drop_index(op.f('ix_denial_work_items_due_date'), table_name='denial_work_items')
    op.drop_index(op.f('ix_denial_work_items_claim_id'), table_name='denial_work_items')
    op.drop_table('denial_work_items')
    op.drop_index(op.f('ix_remit_service_lines_remit_claim_id'), table_name='remit_service_lines')
    op.drop_index(op.f('ix_remit_service_lines_claim_line_id'), table_name='remit_service_lines')
    op.drop_table('remit_service_lines')
    op.drop_index(op.f('ix_deposit_matches_deposit_id'), table_name='deposit_matches')
    op.drop_table('deposit_matches')
    op.drop_index(op.f('ix_deposits_deposit_date'), table_name='deposits')
    op.drop_table('deposits')
