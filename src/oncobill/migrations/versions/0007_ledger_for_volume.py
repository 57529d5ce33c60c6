"""ledger for volume: one entry per remit line with reasons on postings; MOA/MIA kept; void underpayments

An 835 service line is now posted as one journal entry (kind ``remittance``) whose postings carry
their own CAS reason (``journal_lines.reason_code``; backfilled from the entry for every older
posting). The reference columns of a posting that only repeat what its charge line already says
(payer, patient, claim, claim line) lose their foreign keys, and claim/claim-line lose their
indexes: a 100k-claim 835 writes over a million postings, and those checks were most of the
database's work. ``oncobill ledger check`` verifies those references instead; remit service lines
keep one index by remit claim (their unique one) instead of two. The CLP's MOA/MIA
segments are kept verbatim for the secondary claim's 2320, and an underpayment can be void
(the payment it questioned was reversed).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 21:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

OLD_KINDS = ("'charge', 'payer_payment', 'contractual_adjustment', 'transfer_to_payer', 'transfer_to_patient', "
             "'patient_payment', 'write_off', 'refund', 'reversal', 'provider_adjustment'")
NEW_KINDS = OLD_KINDS + ", 'remittance'"
OLD_UNDERPAYMENT = "'open', 'disputed', 'recovered', 'accepted'"
NEW_UNDERPAYMENT = OLD_UNDERPAYMENT + ", 'void'"
# (column, referred table) of the posting references that become plain columns.
LOOSE_REFS = (('payer_id', 'payers'), ('patient_id', 'patients'), ('claim_line_id', 'claim_lines'),
              ('claim_id', 'claims'))


def _checks(entry_kinds: str, underpayment_statuses: str) -> None:
    with op.batch_alter_table('journal_entries', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_journal_entries_entry_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_journal_entries_entry_kind'), f"kind IN ({entry_kinds})")
    with op.batch_alter_table('underpayment_items', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_underpayment_items_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_underpayment_items_status'), f"status IN ({underpayment_statuses})")


def upgrade() -> None:
    _checks(NEW_KINDS, NEW_UNDERPAYMENT)
    with op.batch_alter_table('journal_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason_code', sa.String(length=30), nullable=True))
        for column, table in LOOSE_REFS:
            batch_op.drop_constraint(op.f(f'fk_journal_lines_{column}_{table}'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_journal_lines_claim_id'))
        batch_op.drop_index(batch_op.f('ix_journal_lines_claim_line_id'))
    op.execute("UPDATE journal_lines SET reason_code = "
               "(SELECT reason_code FROM journal_entries WHERE journal_entries.id = journal_lines.entry_id)")
    with op.batch_alter_table('remit_claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outpatient_adjudication', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('inpatient_adjudication', sa.JSON(), nullable=True))
    with op.batch_alter_table('remit_service_lines', schema=None) as batch_op:
        # the unique (remit_claim_id, sequence) index serves every lookup by remit claim
        batch_op.drop_index(batch_op.f('ix_remit_service_lines_remit_claim_id'))


def downgrade() -> None:
    op.execute("UPDATE underpayment_items SET status = 'accepted' WHERE status = 'void'")
    if op.get_bind().scalar(sa.text("SELECT count(*) FROM journal_entries WHERE kind = 'remittance'")):
        raise RuntimeError("remittance entries exist (posted by 0007's poster); they cannot be split back into "
                           "one entry per CAS triplet: restore a backup taken before 0007 instead")
    with op.batch_alter_table('remit_service_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remit_service_lines_remit_claim_id'), ['remit_claim_id'], unique=False)
    with op.batch_alter_table('remit_claims', schema=None) as batch_op:
        batch_op.drop_column('inpatient_adjudication')
        batch_op.drop_column('outpatient_adjudication')
    with op.batch_alter_table('journal_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journal_lines_claim_line_id'), ['claim_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_journal_lines_claim_id'), ['claim_id'], unique=False)
        for column, table in LOOSE_REFS:
            batch_op.create_foreign_key(op.f(f'fk_journal_lines_{column}_{table}'), table, [column], ['id'])
        batch_op.drop_column('reason_code')
    _checks(OLD_KINDS, OLD_UNDERPAYMENT)
