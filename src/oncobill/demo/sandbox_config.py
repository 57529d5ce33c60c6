"""The sandbox payer's configuration written from the practice's own data, so the sandbox sees the same
world the practice does: each payer's members (from the coverages), the rendering providers enrolled
with it and their dates (a pending enrollment is simply absent, as at a real payer), the authorizations
it approved, and its contract and cost sharing from the payer settings. Which Medigap members Medicare
crosses over is the payers' business (the crossover eligibility file, ``demo/payer_facts.py``), loaded
on top with the payer-side facts. Format: docs/sandbox-payer.md."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from oncobill.claims.models import Authorization
from oncobill.patients.models import Coverage
from oncobill.practice.models import EnrollmentStatus, Payer, PayerEnrollment, PayerKind
from oncobill.practice.service import settings_in_force

# Codes the payers' utilization management reviews when they require prior authorization: the
# antineoplastic drugs and the radiation course (the scrubber's prior_auth edit asks the same).
AUTH_PATTERNS = ["J9*", "77*", "G6001", "G6002", "G6003", "G6004", "G6005", "G6006", "G6007", "G6008", "G6009",
                 "G6010", "G6011", "G6012", "G6013", "G6014", "G6015", "G6016", "G6017"]
NO_UNIT_LIMIT = "999999"


def _text(value) -> str:
    return str(value)


def sandbox_config(session: Session, *, on: date, clearinghouse: tuple[str, str] | None = None) -> dict:
    """The sandbox_config.json content for every payer of the practice, with settings as of *on*."""
    payers = [p for p in session.scalars(select(Payer).order_by(Payer.id)) if p.kind is not PayerKind.SELF_PAY]
    coverages = list(session.scalars(select(Coverage).order_by(Coverage.patient_id, Coverage.effective_date)))
    out: dict = {"payers": {}}
    if clearinghouse:
        out["clearinghouse"] = {"name": clearinghouse[0], "id": clearinghouse[1]}
    settings = {p.id: settings_in_force(session, p.id, on) for p in payers}
    for payer in payers:
        s = settings[payer.id]
        entry: dict = {"name": payer.name.upper(), "kind": payer.kind.value, "timely_filing_days": payer.timely_filing_days,
                       "jw_jz_required": bool(s.get("jw_jz_required", False)),
                       "ndc_required": bool(s.get("ndc_required", False))}
        percent = s.get("contract_percent_of_medicare")
        if percent is not None:
            entry["pricing"] = {"percent_of_medicare": _text(percent)}
        benefits: dict = {}
        if s.get("deductible") is not None:
            benefits["deductible"] = _text(s["deductible"])
        if s.get("coinsurance_percent") is not None:
            benefits["coinsurance_percent"] = _text(s["coinsurance_percent"])
        if s.get("out_of_pocket_max") is not None:
            benefits["oop_max"] = _text(s["out_of_pocket_max"])
        if s.get("sequestration_percent") is not None:
            benefits["sequestration_percent"] = _text(s["sequestration_percent"])
        if s.get("copay_specialist") is not None:
            benefits["copays"] = {"em": _text(s["copay_specialist"])}
        if payer.kind is PayerKind.MEDICARE:
            benefits["asp_coinsurance"] = True
        if payer.kind is PayerKind.MEDIGAP and s.get("pays_medicare_coinsurance"):
            benefits["covers"] = ["2"]
        entry["benefits"] = benefits
        if s.get("prior_auth_required"):
            entry["auth_required_codes"] = AUTH_PATTERNS + [c for c in s.get("prior_auth_codes") or ()
                                                            if c not in AUTH_PATTERNS]
        enrollments = session.scalars(select(PayerEnrollment).where(PayerEnrollment.payer_id == payer.id,
                                                                    PayerEnrollment.status == EnrollmentStatus.ENROLLED)
                                      .order_by(PayerEnrollment.id))
        entry["enrollments"] = [{"npi": e.provider.npi, "from": e.effective_date.isoformat(),
                                 "to": e.end_date.isoformat() if e.end_date else None}
                                for e in enrollments if e.effective_date]
        entry["members"] = _members(payer, coverages)
        entry["authorizations"] = _authorizations(session, payer, coverages)
        out["payers"][payer.payer_id] = entry
    return out


def _members(payer: Payer, coverages: list[Coverage]) -> list[dict]:
    members: dict[str, dict] = {}
    for cov in coverages:
        if cov.payer_id != payer.id:
            continue
        member = members.get(cov.member_id)
        if member is None:
            member = members[cov.member_id] = {
                "member_id": cov.member_id, "coverage_from": cov.effective_date.isoformat(),
                "coverage_to": cov.end_date.isoformat() if cov.end_date else None,
                "plan_year_start": f"{cov.plan_year_start_month:02d}-{cov.plan_year_start_day:02d}",
                "last_name": (cov.subscriber_last_name or cov.patient.last_name).upper(),
                "first_name": (cov.subscriber_first_name or cov.patient.first_name).upper(),
            }
        else:  # the same member ID on two coverage rows: one span from the first start to the last end
            member["coverage_from"] = min(member["coverage_from"], cov.effective_date.isoformat())
            ends = [member["coverage_to"], cov.end_date.isoformat() if cov.end_date else None]
            member["coverage_to"] = None if None in ends else max(ends)
    return list(members.values())


def _authorizations(session: Session, payer: Payer, coverages: list[Coverage]) -> list[dict]:
    out = []
    for auth in session.scalars(select(Authorization).where(Authorization.payer_id == payer.id)
                                .order_by(Authorization.id)):
        if not auth.status.usable:
            continue
        member = next((c.member_id for c in coverages if c.patient_id == auth.patient_id and c.payer_id == payer.id),
                      None)
        if member is None:
            continue
        out.append({"number": auth.auth_number, "member_id": member, "from": auth.start_date.isoformat(),
                    "to": auth.end_date.isoformat(),
                    "units": {code: (units if units is not None else NO_UNIT_LIMIT)
                              for code, units in auth.approved_units.items()}})
    return out


def write_sandbox_config(session: Session, mailbox: Path, *, on: date, facts=(), crossovers=()) -> Path:
    """The practice's world as the payers see it, changed by the payer-side facts and with Medicare's
    crossover eligibility files loaded (``demo/payer_facts.py``)."""
    from oncobill.demo.payer_facts import apply_crossover_files, apply_payer_facts

    path = Path(mailbox) / "sandbox_config.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    config = apply_crossover_files(sandbox_config(session, on=on), list(crossovers))
    config = apply_payer_facts(config, list(facts))
    path.write_text(json.dumps(config, indent=2) + "\n")
    return path
