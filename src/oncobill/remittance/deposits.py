"""Bank deposits and their reconciliation to ERAs, as use cases. Flushes, never commits.

A bank file (CSV or BAI2) is read whole before anything is written, so a bad row writes nothing;
each deposit carries a fingerprint (what it says plus its place among identical rows of the same
file), so importing the same file again, or an overlapping export, adds nothing. Reconciliation runs
the pure ``reconciliation.reconcile`` over the ERAs and deposits not matched yet, stores the trace
matches, and leaves the suggestions for a person to confirm.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from oncobill.errors import InvalidInput, NotFound
from oncobill.fileio import read_input
from oncobill.money import ZERO
from oncobill.remittance import reconciliation
from oncobill.remittance.models import Deposit, DepositMatch, EraImport
from oncobill.worklists.models import RemitWorkItem

FORMATS = ("csv", "bai2")
# Remit work items that carry money nobody's account received yet.
CASH_KINDS = ("unmatched_claim", "unmatched_line", "not_postable")


def detect_format(text: str) -> str:
    """BAI2 opens with a file header record ``01,``; anything else is read as the CSV layout."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return "bai2" if first.startswith("01,") else "csv"


def _fingerprint(source: str, dep: reconciliation.Deposit, occurrence: int) -> str:
    key = "|".join((source, dep.date.isoformat(), str(dep.amount), dep.reference, dep.description, str(occurrence)))
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass
class DepositImport:
    file_name: str
    format: str
    added: list[int] = field(default_factory=list)  # deposit ids
    already: int = 0  # rows seen in an earlier import
    amount: Decimal = ZERO  # of the added deposits

    def summary(self) -> str:
        return (f"{self.file_name} ({self.format}): {len(self.added)} deposit(s) added, {self.amount}; "
                f"{self.already} already imported")


def import_bank_file(session: Session, path: str | Path, *, actor: str, now: datetime,
                     format: str | None = None) -> DepositImport:
    path = Path(path)
    try:
        text = read_input(path, "bank file").decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"bank file {path}", f"cannot be read ({exc})") from None
    return import_bank_text(session, path.name, text, actor=actor, now=now, format=format)


def import_bank_text(session: Session, name: str, text: str, *, actor: str, now: datetime,
                     format: str | None = None) -> DepositImport:
    """Every credit of the file becomes a deposit once; a bad file raises before anything is written."""
    if format is not None and format not in FORMATS:
        raise InvalidInput(f"bank file {name}", f"format {format!r}: use csv or bai2")
    kind = format or detect_format(text)
    rows = (reconciliation.parse_bai2(text, source=name) if kind == "bai2"
            else reconciliation.parse_deposits_csv(text, source=name))
    out = DepositImport(name, kind)
    seen: Counter = Counter()
    prints = []
    for dep in rows:
        key = (dep.date, dep.amount, dep.reference, dep.description)
        seen[key] += 1
        prints.append((dep, _fingerprint(kind, dep, seen[key])))
    known = set()
    all_prints = [fp for _, fp in prints]
    for i in range(0, len(all_prints), 500):
        known.update(session.scalars(select(Deposit.fingerprint).where(Deposit.fingerprint.in_(all_prints[i:i + 500]))))
    for dep, fp in prints:
        if fp in known:
            out.already += 1
            continue
        row = Deposit(deposit_date=dep.date, amount=dep.amount, reference=dep.reference[:80],
                      description=dep.description[:500], source=kind, file_name=name[:300], fingerprint=fp,
                      created_at=now, created_by=actor[:60])
        try:
            with session.begin_nested():  # the same file imported at the same time: the second waits, adds nothing
                session.add(row)
                session.flush()
        except IntegrityError:
            out.already += 1
            continue
        out.added.append(row.id)
        out.amount += dep.amount
    session.flush()
    return out


def add_deposit(session: Session, *, day: date | str, amount: Decimal | str, reference: str = "",
                description: str = "", actor: str, now: datetime) -> Deposit:
    """A deposit typed in by hand (a paper check, a lockbox total); the same one twice is refused."""
    dep = reconciliation.entered_deposit(day, amount, reference=reference, description=description,
                                         entered_by=actor)
    fp = _fingerprint("entered", dep, 1)
    existing = session.scalar(select(Deposit.id).where(Deposit.fingerprint == fp))
    if existing is not None:
        raise InvalidInput(dep.source, f"deposit {existing} already has this date, amount, reference and description; "
                                       "give the check number as reference to tell two deposits apart")
    row = Deposit(deposit_date=dep.date, amount=dep.amount, reference=dep.reference[:80],
                  description=dep.description[:500], source="entered", file_name="", fingerprint=fp,
                  created_at=now, created_by=actor[:60])
    session.add(row)
    session.flush()
    return row


# -- reconciliation ------------------------------------------------------------------------------

def _era_label(era: EraImport) -> str:
    return f"ERA {era.id} ({era.file_name} set {era.control_number})"


def _deposit_label(dep: Deposit) -> str:
    return f"deposit {dep.id}"


@dataclass
class ReconciliationReport:
    matched_now: list[dict] = field(default_factory=list)  # stored by this run (how=trace)
    suggestions: list[dict] = field(default_factory=list)  # for a person to confirm
    unmatched_eras: list[dict] = field(default_factory=list)
    unmatched_deposits: list[dict] = field(default_factory=list)
    unposted_cash: list[dict] = field(default_factory=list)  # remit work items: posted to nobody yet
    matched_before: int = 0

    def totals(self) -> dict:
        def total(rows, key="amount"):
            return sum((r[key] for r in rows), ZERO)
        return {"matched_now": len(self.matched_now), "matched_now_amount": total(self.matched_now, "deposit_amount"),
                "matched_before": self.matched_before, "suggested": len(self.suggestions),
                "unmatched_eras": len(self.unmatched_eras), "unmatched_era_amount": total(self.unmatched_eras),
                "unmatched_deposits": len(self.unmatched_deposits),
                "unmatched_deposit_amount": total(self.unmatched_deposits),
                "unposted_cash_items": len(self.unposted_cash), "unposted_cash_amount": total(self.unposted_cash)}

    def as_dict(self) -> dict:
        return {"totals": self.totals(), "matched_now": self.matched_now, "suggestions": self.suggestions,
                "unmatched_eras": self.unmatched_eras, "unmatched_deposits": self.unmatched_deposits,
                "unposted_cash": self.unposted_cash}


def _unmatched_eras(session: Session) -> list[EraImport]:
    matched = select(DepositMatch.era_import_id)
    return list(session.scalars(select(EraImport).where(EraImport.id.not_in(matched)).order_by(EraImport.id)))


def _unmatched_deposits(session: Session) -> list[Deposit]:
    matched = select(DepositMatch.deposit_id)
    return list(session.scalars(select(Deposit).where(Deposit.id.not_in(matched)).order_by(Deposit.id)))


def _era_row(era: EraImport) -> dict:
    return {"era_id": era.id, "payer": era.payer_name or era.payer_key, "trace_number": era.trace_number,
            "payment_date": era.payment_date, "amount": era.payment_amount, "file": era.file_name,
            "control_number": era.control_number}


def _deposit_row(dep: Deposit) -> dict:
    return {"deposit_id": dep.id, "date": dep.deposit_date, "amount": dep.amount, "reference": dep.reference,
            "description": dep.description, "source": dep.source, "file": dep.file_name}


def reconcile(session: Session, *, actor: str, now: datetime) -> ReconciliationReport:
    """Match what is not matched yet: trace matches are stored, suggestions shown, the rest reported
    with its reason, and the remit work queue's money listed as posted to nobody yet."""
    eras = _unmatched_eras(session)
    deposits = _unmatched_deposits(session)
    era_by_label = {_era_label(e): e for e in eras}
    dep_by_label = {_deposit_label(d): d for d in deposits}
    result = reconciliation.reconcile(
        [reconciliation.EraSummary(e.payer_name or e.payer_key, e.trace_number, e.payment_date, e.payment_amount,
                                   _era_label(e)) for e in eras],
        [reconciliation.Deposit(d.deposit_date, d.amount, d.reference, d.description, _deposit_label(d))
         for d in deposits])
    report = ReconciliationReport(matched_before=session.scalar(select(func.count()).select_from(DepositMatch)))
    try:
        with session.begin_nested():  # a concurrent run matching the same ERA makes this one fail whole
            for m in result.matches:
                for summary in m.eras:
                    session.add(DepositMatch(deposit_id=dep_by_label[m.deposit.source].id,
                                             era_import_id=era_by_label[summary.source].id, how="trace",
                                             matched_at=now, matched_by=actor[:60]))
            session.flush()
    except IntegrityError:
        raise InvalidInput("reconciliation", "another reconciliation or confirmation matched some of these ERAs "
                                             "at the same time; nothing was stored, run it again") from None
    for m in result.matches:
        dep = dep_by_label[m.deposit.source]
        report.matched_now.append({"deposit_id": dep.id, "deposit_amount": dep.amount,
                                   "era_ids": [era_by_label[s.source].id for s in m.eras], "basis": m.basis})
    for s in result.suggestions:
        report.suggestions.append({"deposit": _deposit_row(dep_by_label[s.deposit.source]),
                                   "era": _era_row(era_by_label[s.era.source]), "basis": s.basis})
    for u in result.unmatched_eras:
        report.unmatched_eras.append(_era_row(era_by_label[u.era.source]) | {"reason": u.reason})
    for u in result.unmatched_deposits:
        report.unmatched_deposits.append(_deposit_row(dep_by_label[u.deposit.source]) | {"reason": u.reason})
    for w in session.scalars(select(RemitWorkItem).where(RemitWorkItem.status == "open",
                                                         RemitWorkItem.kind.in_(CASH_KINDS),
                                                         RemitWorkItem.amount != 0).order_by(RemitWorkItem.id)):
        era = session.get(EraImport, w.era_import_id)
        report.unposted_cash.append({"work_item_id": w.id, "kind": w.kind, "era_id": w.era_import_id,
                                     "trace_number": era.trace_number, "patient_control_number":
                                     w.patient_control_number, "payer_claim_number": w.payer_claim_number,
                                     "procedure": w.procedure, "amount": w.amount, "detail": w.detail})
    session.flush()
    return report


def confirm(session: Session, deposit_id: int, era_id: int, *, actor: str, now: datetime) -> DepositMatch:
    """A person accepts a suggested pair: stored as how=confirmed. Refused when the amounts differ or
    either side is already matched."""
    where = f"deposit {deposit_id} with ERA {era_id}"
    dep = session.get(Deposit, deposit_id, with_for_update=True, populate_existing=True)  # one confirm at a time
    if dep is None:
        raise NotFound("deposit", deposit_id)
    era = session.get(EraImport, era_id)
    if era is None:
        raise NotFound("ERA import", era_id)
    if dep.amount != era.payment_amount:
        raise InvalidInput(where, f"the amounts differ (deposit {dep.amount}, ERA BPR02 {era.payment_amount}); "
                             "a deposit is confirmed only against an ERA of the same amount")
    earlier = session.scalar(select(DepositMatch).where(DepositMatch.era_import_id == era.id))
    if earlier is not None:
        raise InvalidInput(where, f"ERA {era.id} is already matched to deposit {earlier.deposit_id} "
                             f"({earlier.how}, by {earlier.matched_by})")
    taken = session.scalar(select(DepositMatch).where(DepositMatch.deposit_id == dep.id).limit(1))
    if taken is not None:
        raise InvalidInput(where, f"deposit {dep.id} is already matched to ERA {taken.era_import_id} "
                             f"({taken.how}, by {taken.matched_by})")
    match = DepositMatch(deposit_id=dep.id, era_import_id=era.id, how="confirmed", matched_at=now,
                         matched_by=actor[:60])
    session.add(match)
    session.flush()
    return match


def list_deposits(session: Session, *, unmatched_only: bool = False) -> list[dict]:
    matched = {m.deposit_id: m for m in session.scalars(select(DepositMatch))}
    out = []
    for dep in session.scalars(select(Deposit).order_by(Deposit.deposit_date, Deposit.id)):
        if unmatched_only and dep.id in matched:
            continue
        out.append(_deposit_row(dep) | {"matched": dep.id in matched})
    return out
