"""The ledger's reference audit (``oncobill ledger check``): postings whose payer, patient, claim or
claim line is wrong. In reports, which may read every stage's tables, so that the ledger imports none.
"""

from __future__ import annotations

from sqlalchemy import and_, exists, literal, or_, select, union_all
from sqlalchemy.orm import Session

from oncobill.charges.models import ChargeLine, Encounter
from oncobill.claims.models import Claim, ClaimLine
from oncobill.ledger.models import JournalLine
from oncobill.ledger.rules import Account
from oncobill.patients.models import Patient
from oncobill.practice.models import Payer


def broken_references(session: Session) -> list[dict]:
    """Postings whose payer, patient, claim or claim line do not exist or do not agree with their charge
    line (those columns carry no foreign key, so that an 835 can post a million rows; this is their
    check, run by ``oncobill ledger check``). Empty unless someone wrote around the ledger."""
    JL = JournalLine

    def missing(column, table, what: str):
        return (select(JL.id, JL.entry_id, literal(what))
                .where(column.is_not(None), ~exists().where(table.id == column)))

    checks = [
        missing(JL.payer_id, Payer, "no such payer"),
        missing(JL.patient_id, Patient, "no such patient"),
        missing(JL.claim_id, Claim, "no such claim"),
        missing(JL.claim_line_id, ClaimLine, "no such claim line"),
        select(JL.id, JL.entry_id, literal("patient differs from the charge line's"))
        .join(ChargeLine, ChargeLine.id == JL.charge_line_id).join(Encounter, Encounter.id == ChargeLine.encounter_id)
        .where(JL.patient_id.is_not(None), Encounter.patient_id != JL.patient_id),
        select(JL.id, JL.entry_id, literal("claim line is not on the claim, or bills another charge line"))
        .join(ClaimLine, ClaimLine.id == JL.claim_line_id)
        .where(or_(and_(JL.claim_id.is_not(None), ClaimLine.claim_id != JL.claim_id),
                   and_(JL.charge_line_id.is_not(None), ClaimLine.charge_line_id.is_not(None),
                        ClaimLine.charge_line_id != JL.charge_line_id))),
        select(JL.id, JL.entry_id, literal("an A/R-with-payer posting names no payer"))
        .where(JL.account == Account.AR_PAYER, JL.payer_id.is_(None)),
    ]
    rows = session.execute(union_all(*checks).order_by("id"))
    return [{"posting": posting, "entry": entry, "problem": problem} for posting, entry, problem in rows]
