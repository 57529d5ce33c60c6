"""The columns of the stages' tables that the queues read (a claim's number, a payer's code, what a
later remit paid), named here as plain table clauses: worklists sits below the stages and imports
none of their models. Read-only; each stage's own model stays the owner of its table."""

from __future__ import annotations

from sqlalchemy import Date, DateTime, Integer, String, column, table

from oncobill.db import Money, Quantity

payers = table("payers", column("id", Integer), column("code", String), column("name", String),
               column("timely_filing_days", Integer))

claims = table("claims", column("id", Integer), column("patient_control_number", String),
               column("payer_claim_number", String), column("status", String))

claim_lines = table("claim_lines", column("id", Integer), column("code", String), column("modifier1", String),
                    column("modifier2", String), column("modifier3", String), column("modifier4", String),
                    column("service_date", Date), column("units", Quantity), column("charge", Money),
                    column("line_control_number", String))

era_imports = table("era_imports", column("id", Integer), column("trace_number", String),
                    column("payment_date", Date), column("imported_at", DateTime))

remit_claims = table("remit_claims", column("id", Integer), column("era_import_id", Integer),
                     column("claim_id", Integer), column("claim_status_code", String), column("paid", Money),
                     column("reversed_by_id", Integer))

remit_service_lines = table("remit_service_lines", column("id", Integer), column("remit_claim_id", Integer),
                            column("claim_line_id", Integer), column("paid", Money))


def modifiers(line) -> list[str]:
    """A claim line row's modifiers, in order, without the empty ones."""
    return [m for m in (line.modifier1, line.modifier2, line.modifier3, line.modifier4) if m]
