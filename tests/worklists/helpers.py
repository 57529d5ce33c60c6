"""Denied claims posted through the real 835 import, and their denial work items.

Posting routes denials into ``denial_work_items`` (the worklist feed's denial router); where a test needs an item
the posting does not queue (a PR transfer is a posting, not work), or before the routing existed,
the row is built here from ``denials.route`` over the stored remit lines, exactly as posting does.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from oncobill.claims.models import Claim
from oncobill.denials import DeniedLine, route
from oncobill.denials.service import claim_facts, payer_terms
from oncobill.practice import service as practice_service
from oncobill.practice.models import Payer
from oncobill.remittance import service as remittance
from oncobill.remittance.models import EraImport, RemitAdjustment, RemitClaim, RemitServiceLine
from oncobill.worklists.models import DenialWorkItem
from tests.remittance.helpers import NOW, billed_claim, clp, era_text, practice, svc

D = Decimal
REMIT_DAY = date(2026, 11, 18)  # BPR16 of helpers.era_text
TODAY = date(2026, 11, 25)
ACT_AT = datetime(2026, 11, 25, 10, 30)
_trace = [0]


def setup_practice(session) -> dict:
    p = practice(session)
    for payer in (p["medicare"], p["commercial"]):
        practice_service.set_payer_setting(session, payer=payer, key="appeal_window_days", value=120,
                                           effective_from=date(2020, 1, 1))
    session.flush()
    return p


def post(session, claims, *, trace: str | None = None) -> EraImport:
    """Import one 835 (a fresh trace each time unless given) through the real importer."""
    _trace[0] += 1
    text = era_text(list(claims), trace=trace or f"WQ{_trace[0]:06d}", control=_trace[0])
    result = remittance.import_era(session, f"wq{_trace[0]}.835", text.encode(), actor="poster", now=NOW)
    assert result.sets[0].outcome == "posted", result.summary()
    return session.scalar(select(EraImport).order_by(EraImport.id.desc()).limit(1))


def items_for(session, claim: Claim, *, group: str | None = None, carc: str | None = None) -> list[DenialWorkItem]:
    """The claim's work items (posting's, else routed here from its stored remit lines)."""
    rows = _query(session, claim, group, carc)
    if rows:
        return rows
    era_rows = session.execute(
        select(RemitAdjustment, RemitServiceLine, RemitClaim, EraImport)
        .join(RemitClaim, RemitClaim.id == RemitAdjustment.remit_claim_id)
        .join(EraImport, EraImport.id == RemitClaim.era_import_id)
        .outerjoin(RemitServiceLine, RemitServiceLine.id == RemitAdjustment.remit_service_line_id)
        .where(RemitClaim.claim_id == claim.id).order_by(RemitAdjustment.id)).all()
    payer = session.get(Payer, claim.payer_id)
    terms = payer_terms(session, payer, claim.service_from)
    facts = claim_facts(session, claim)
    for adj, line, rc, era in era_rows:
        if adj.amount <= 0 or (group and adj.group_code != group) or (carc and adj.reason != carc):
            continue
        denied = DeniedLine(adj.group_code, adj.reason, adj.amount, tuple(line.remarks) if line else (),
                            line.procedure if line else "", tuple(line.modifiers) if line else (),
                            line.units if line else None, line.charge if line else None,
                            line.paid if line else D("0.00"),
                            line.service_date if line else None, line.line_control_number if line else "")
        w = route(denied, facts, terms, remit_date=era.payment_date)
        session.add(DenialWorkItem(
            era_import_id=era.id, remit_claim_id=rc.id, remit_service_line_id=line.id if line else None,
            claim_id=claim.id, claim_line_id=line.claim_line_id if line else None, payer_id=claim.payer_id,
            group_code=w.group, carc=w.carc, rarcs=list(w.rarcs), amount=w.amount,
            procedure=":".join([line.procedure, *line.modifiers]) if line else "", partial=w.partial,
            queue=w.queue, action=w.action.value, owner=w.owner.value, patient_billable=w.patient_billable.value,
            due_date=w.due_date, due_reason=w.due_reason[:300], reason=w.reason[:1000], fix=w.fix[:1000],
            route=w.route[:300], status="open", created_at=NOW, note=""))
    session.flush()
    return _query(session, claim, group, carc)


def _query(session, claim, group, carc) -> list[DenialWorkItem]:
    q = select(DenialWorkItem).where(DenialWorkItem.claim_id == claim.id)
    if group:
        q = q.where(DenialWorkItem.group_code == group)
    if carc:
        q = q.where(DenialWorkItem.carc == carc)
    return list(session.scalars(q.order_by(DenialWorkItem.id)))


def denied(session, p, *, lines=(("96413", "350.00", (), 1),), denial=("CO", "16"), remarks=("N290",),
           secondary: str | None = None, paid_lines: int = 0, icn: str = "ICN77") -> tuple[Claim, DenialWorkItem]:
    """One claim whose first line is denied with *denial* (the others paid), posted; its work item."""
    claim = billed_claim(session, p, list(lines), secondary=secondary)
    svcs = []
    for i, (code, charge, mods, _units) in enumerate(lines):
        control = claim.lines[i].line_control_number
        if i == 0:
            svcs.append(svc(code, charge, "0.00", [(denial[0], denial[1], charge)], mods=mods, control=control,
                            remarks=remarks))
        else:
            allowed = D(charge) - D("100.00")
            svcs.append(svc(code, charge, str(allowed), [("CO", "45", "100.00")], mods=mods, control=control))
    post(session, [clp(claim, "1" if len(lines) > 1 else "4", svcs, icn=icn)])
    items = items_for(session, claim, group=denial[0], carc=denial[1])
    assert len(items) == 1, items
    return claim, items[0]
