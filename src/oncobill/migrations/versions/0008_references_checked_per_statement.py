"""references checked per statement on PostgreSQL for the tables an 835 fills

The foreign keys of the remittance and ledger tables that a large 835 writes by the million become
statement-level triggers on PostgreSQL (``oncobill.references``): the same rule, checked with one set
query per COPY instead of one query and one row lock per row. SQLite keeps its foreign keys.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 00:20:00
"""
from __future__ import annotations

from alembic import op

from oncobill.references import install_sql, remove_sql

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# Frozen here: later changes to oncobill.references.STATEMENT_CHECKED get a migration of their own.
REFS = (
    ("journal_lines", "entry_id", "journal_entries"),
    ("journal_lines", "charge_line_id", "charge_lines"),
    ("remit_adjustments", "remit_claim_id", "remit_claims"),
    ("remit_adjustments", "remit_service_line_id", "remit_service_lines"),
    ("remit_service_lines", "remit_claim_id", "remit_claims"),
    ("remit_service_lines", "claim_line_id", "claim_lines"),
    ("remit_claim_entries", "remit_claim_id", "remit_claims"),
    ("remit_claim_entries", "journal_entry_id", "journal_entries"),
    ("remit_claims", "era_import_id", "era_imports"),
    ("remit_claims", "claim_id", "claims"),
    ("payer_claim_numbers", "claim_id", "claims"),
    ("payer_claim_numbers", "payer_id", "payers"),
    ("claim_status_events", "claim_id", "claims"),
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in install_sql(REFS):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in remove_sql(REFS):
            op.execute(statement)
