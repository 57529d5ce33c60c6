"""The mailbox: read the practice's 837s from ``outbound/``, answer in ``inbound/``.

This is the only module that touches files. For each new file: validate it (999), accept or
reject each claim (277CA), adjudicate the accepted claims payer by payer (835), then record the
file as processed together with the payer state, in one atomic write. Responses are named by the
837's interchange control number: ``<ISA13>.999``, ``.277ca``, ``.835``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from oncobill.fileio import write_atomic
from oncobill.money import ZERO
from oncobill.sandbox_payer.adjudicate import (
    ClaimResult,
    adjudicate_primary,
    adjudicate_secondary,
    claim_payment,
    priors_from_837,
    priors_from_result,
)
from oncobill.sandbox_payer.billed import BilledClaim, from_institutional, from_professional
from oncobill.sandbox_payer.config import SandboxConfig, load_config
from oncobill.sandbox_payer.fees import medicare_fee_schedule
from oncobill.sandbox_payer.frontend import ClaimVerdict, finding_status, findings_by_claim
from oncobill.sandbox_payer.records import accumulator_deltas, claim_record, remember, reversal, undo
from oncobill.sandbox_payer.rules import Review
from oncobill.sandbox_payer.state import SandboxState, load_state, locked, save_state
from oncobill.x12 import read, write
from oncobill.x12.acks import (
    ClaimAcknowledgment,
    ClaimAcknowledgmentReport,
    ClaimStatus,
    ProviderAcknowledgment,
    build_277ca,
    build_999,
)
from oncobill.x12.claims837 import ProfessionalClaims, read_837p
from oncobill.x12.codesets import CodeSetsLookup
from oncobill.x12.errors import X12Error
from oncobill.x12.findings import Finding
from oncobill.x12.institutional837 import read_837i
from oncobill.x12.remit835 import ProviderAdjustment, Remittance, build_remittance
from oncobill.x12.specs.x277ca import SPEC as SPEC_277CA
from oncobill.x12.specs.x835 import SPEC as SPEC_835
from oncobill.x12.specs.x999 import SPEC as SPEC_999
from oncobill.x12.validate import validate
from oncobill.x12.writer import build_interchange

IGNORED_SUFFIXES = (".tmp", ".part")


@dataclass
class ClaimOutcome:
    """One claim of a file: rejected at the front end, or adjudicated (CLP02) by a payer."""

    patient_control_number: str
    payer_id: str
    accepted: bool
    status: str  # "rejected", or CLP02: 1, 2, 4, 19
    charge: Decimal
    paid: Decimal = ZERO
    patient_responsibility: Decimal = ZERO
    payer_claim_number: str = ""
    reasons: list[str] = field(default_factory=list)
    reverses: str = ""  # the payer claim number a replacement or void reversed (CLP02 22)


@dataclass
class FileResult:
    source: Path
    interchange_control_number: str
    ack_999_status: str  # AK901 of the (first) group: A, E, P, R
    ack_999: Path | None = None
    ack_277ca: Path | None = None
    remittance: Path | None = None
    claims: list[ClaimOutcome] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # located 999 findings, in billing words


@dataclass
class ProcessReport:
    """What one run did: files answered, and files skipped because they were already processed."""

    files: list[FileResult] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)

    @property
    def claims(self) -> list[ClaimOutcome]:
        return [c for f in self.files for c in f.claims]

    @property
    def accepted(self) -> int:
        return sum(1 for c in self.claims if c.accepted)

    @property
    def rejected(self) -> int:
        return sum(1 for c in self.claims if not c.accepted)

    @property
    def paid(self) -> Decimal:
        return sum((c.paid for c in self.claims), ZERO)

    def summary(self) -> dict:
        """Counts a demo or a log line can print: files, claims by outcome, money paid."""
        by_status: dict[str, int] = {}
        for c in self.claims:
            by_status[c.status] = by_status.get(c.status, 0) + 1
        return {"files": len(self.files), "skipped": len(self.skipped), "accepted": self.accepted,
                "rejected": self.rejected, "claims_by_status": dict(sorted(by_status.items())),
                "paid": str(self.paid)}  # fmt: skip


def npi_valid(npi: str) -> bool:
    """NPI check digit: Luhn over the 80840 prefix and the first nine digits."""
    if len(npi) != 10 or not npi.isdigit():
        return False
    total = 24  # the constant for the 80840 prefix
    for k, ch in enumerate(reversed(npi[:9])):
        d = int(ch)
        if k % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return (10 - total % 10) % 10 == int(npi[9])


def _inbox_files(mailbox: Path) -> list[Path]:
    folder = mailbox / "outbound"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and not p.name.startswith(".") and not p.name.endswith(IGNORED_SUFFIXES))  # fmt: skip


def process_inbox(mailbox: Path, *, today: date, config: SandboxConfig | None = None) -> ProcessReport:
    """Answer every 837 under ``mailbox/outbound/`` not processed before, as of *today*."""
    mailbox = Path(mailbox)
    config = config or load_config(mailbox / "sandbox_config.json")
    report = ProcessReport()
    with locked(mailbox):
        state = load_state(mailbox)
        for path in _inbox_files(mailbox):
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            if digest in state.processed:
                report.skipped.append(path)
                continue
            before = json.dumps(state.to_json())
            try:
                outcome, outputs = _process(path, data.decode("utf-8", errors="replace"), config, state, today)
            except Exception as exc:  # noqa: BLE001 - one bad file must not stop the mailbox; retried next run
                state = SandboxState(json.loads(before))
                problem = f"{path.name}: not processed, the sandbox failed: {type(exc).__name__}: {exc}"
                report.files.append(FileResult(path, "", "", problems=[problem]))
                continue
            if any((mailbox / "inbound" / name).exists() for name, _ in outputs):
                # Another file used the same interchange control number: never overwrite its answers.
                outputs = [(_with_hash(name, digest), text) for name, text in outputs]
            for out_path, text in outputs:
                write_atomic(mailbox / "inbound" / out_path, text)
            state.processed[digest] = {"file": path.name, "interchange": outcome.interchange_control_number,
                                       "processed_on": today.isoformat()}  # fmt: skip
            save_state(mailbox, state)
            for attr, suffix in (("ack_999", ".999"), ("ack_277ca", ".277ca"), ("remittance", ".835")):
                name = next((n for n, _ in outputs if n.endswith(suffix)), None)
                setattr(outcome, attr, mailbox / "inbound" / name if name else None)
            report.files.append(outcome)
    return report


def _envelope(state: SandboxState) -> dict:
    """A new interchange control number (ISA13), used for its group (GS06) too: both unique per sandbox."""
    number = state.next("interchange")
    return {"control_number": number, "group_control_start": number}


def _with_hash(name: str, digest: str) -> str:
    stem, dot, ext = name.partition(".")
    return f"{stem}.{digest[:12]}{dot}{ext}"


# -- one file ---------------------------------------------------------------------------------


def _process(path: Path, text: str, config: SandboxConfig, state: SandboxState, today: date):
    when = datetime.combine(today, time(12, 0))
    codes = _codes()
    result = validate(text, CodeSetsLookup(codes, npi_valid=npi_valid))
    errors = [f.located() for f in result.findings if f.severity == "error"]
    doc = None
    try:
        doc = read(text, strict=False, findings=[])
    except X12Error as exc:
        errors = errors or [str(exc)]
    if doc is None or not doc.interchanges or not result.sets:
        name = path.stem
        fr = FileResult(path, "", "R", problems=errors or ["no 837 transaction set found"])
        return fr, [(f"{name}.rejected.txt", f"{path.name}: rejected, nothing was read\n" + "\n".join(fr.problems) + "\n")]
    isa = doc.interchanges[0]
    icn = isa.control_number
    # Responses go back the way the file came: our ID is the 837's receiver.
    ours, theirs = isa.receiver or config.clearinghouse_id, isa.sender
    usage = isa.isa.get(15) if isa.isa.get(15) in ("P", "T") else "P"  # answer a test file as test (ISA15)
    status_by_set = {(s["group"], s["st02"]): s["status"] for s in result.sets}
    typed: dict[tuple[str, str], tuple] = {}
    for ic in doc.interchanges:
        for group in ic.groups:
            for txn in group.transactions:
                key = (group.gs.get(6), txn.st.get(2))
                if txn.code != "837" or status_by_set.get(key) not in ("A", "E"):
                    continue
                try:
                    typed[key] = (txn, *_typed(txn))
                except X12Error as exc:  # accepted with errors, yet a claim cannot be read: reject the set
                    errors.append(_reject_set(result, key, txn, exc).located())
                    status_by_set[key] = "R"
    fr = FileResult(path, icn, "", problems=errors)
    outputs: list[tuple[str, str]] = []

    acks = result.to_999()
    fr.ack_999_status = acks[0].status if acks else "R"
    txns_999 = [build_999(ack, n) for n, ack in enumerate(acks, 1)]
    outputs.append((f"{icn}.999", write(build_interchange([(SPEC_999, txns_999)], sender_id=ours, receiver_id=theirs,
                                                          **_envelope(state), when=when, usage=usage))))  # fmt: skip

    reports: list[ClaimAcknowledgmentReport] = []
    accepted: list[tuple[BilledClaim, str]] = []
    corrected: set[str] = set()  # payer claim numbers a replacement or void in this file already names
    for (gs06, st02), (txn, header, claims) in typed.items():
        own = [f for f in result.findings if f.transaction == st02 and f.group == gs06]
        rep, ok = _acknowledge(txn, header, claims, own, config, state, today, when, fr, corrected)
        reports.append(rep)
        accepted.extend(ok)
    if reports:
        txns = [build_277ca(rep, n) for n, rep in enumerate(reports, 1)]
        outputs.append((f"{icn}.277ca", write(build_interchange([(SPEC_277CA, txns)], sender_id=ours,
                                                                receiver_id=theirs,
                                                                **_envelope(state),
                                                                when=when, usage=usage))))  # fmt: skip
    results = _adjudicate(accepted, config, state, today)
    if results:
        remits = _remittances(results, config, state, today)
        txns = [build_remittance(r, n) for n, r in enumerate(remits, 1)]
        outputs.append((f"{icn}.835", write(build_interchange([(SPEC_835, txns)], sender_id=ours, receiver_id=theirs,
                                                              **_envelope(state),
                                                              when=when, usage=usage))))  # fmt: skip
        outcomes: dict[tuple[str, str], ClaimOutcome] = {}
        for r in results:
            key = (r.claim.patient_control_number, r.payer.payer_id)
            o = outcomes.get(key)
            if o is None:  # one per claim and payer (a crossover is the supplemental payer's own)
                o = outcomes[key] = ClaimOutcome(key[0], key[1], True, r.status, abs(r.claim.charge),
                                                 payer_claim_number=r.payer_claim_number)  # fmt: skip
                fr.claims.append(o)
            if r.status == "22":  # the reversal a replacement or void asked for
                o.reverses = r.payer_claim_number
                o.paid, o.patient_responsibility = r.paid, r.patient_responsibility
                continue
            o.status, o.payer_claim_number = r.status, r.payer_claim_number
            o.paid, o.patient_responsibility = r.paid, r.patient_responsibility
            o.reasons += [x.denial.reason for x in r.lines if x.denial]
    return fr, outputs


def _codes():
    from oncobill.codes import default_code_sets

    return default_code_sets()


def _typed(txn) -> tuple[ProfessionalClaims, list[BilledClaim]]:
    """The 837 set as the X12 engine types it (its header: submitter, BHT), and its claims flattened."""
    if txn.spec.version.startswith("005010X223"):
        doc = read_837i(txn)
        return doc, [from_institutional(c) for c in doc.claims]
    doc = read_837p(txn)
    return doc, [from_professional(c) for c in doc.claims]


def _reject_set(result, key: tuple[str, str], txn, exc: X12Error) -> Finding:
    """Mark a set the typed reader cannot read as rejected, with a located finding for its 999."""
    for s in result.sets:
        if (s["group"], s["st02"]) == key:
            s["status"] = "R"
    position = exc.segment_number - getattr(txn.st, "number", 1) + 1 if exc.segment_number else None
    value = None
    index = exc.element[-2:] if exc.element and exc.element[-2:].isdigit() else ""
    for seg in txn.segments():
        if index and getattr(seg, "number", None) == exc.segment_number:
            value = seg.get(int(index))
    finding = Finding(2, "unreadable-claim", f"{exc.reason}; the payer cannot read this claim", exc.segment_number,
                      exc.segment_id, exc.element, transaction=key[1], group=key[0], position_in_set=position,
                      ik3="8" if exc.element else None, ik4="6" if exc.element else None, value=value)  # fmt: skip
    result.findings.append(finding)
    return finding


def _acknowledge(txn, header: ProfessionalClaims, claims: list[BilledClaim], findings, config: SandboxConfig, state: SandboxState, today: date,
                 when: datetime, fr: FileResult,
                 corrected: set[str]) -> tuple[ClaimAcknowledgmentReport, list[tuple[BilledClaim, str]]]:  # fmt: skip
    """The 277CA for one 837 set, and the claims accepted into adjudication with their claim numbers."""
    per_claim = findings_by_claim(txn, findings)
    providers: dict[str, ProviderAcknowledgment] = {}
    accepted = []
    for claim, found in zip(claims, per_claim):
        verdict = ClaimVerdict()
        for f in found:
            cat, code, entity = finding_status(f)
            verdict.reject(cat, code, entity, f.located(), today, claim.charge)
        payer = config.payers.get(claim.payer_id)
        if payer is None:
            verdict.reject("A3", "26", "PR", f"payer ID {claim.payer_id!r} (2010BB NM109) is not a payer we "
                           "route to", today, claim.charge)  # fmt: skip
        elif claim.member_id not in payer.members:
            verdict.reject("A3", "33", "", f"member {claim.member_id!r} is not on {payer.name}'s roster",
                           today, claim.charge)  # fmt: skip
        elif claim.frequency in ("7", "8") and claim.payer_claim_control_number:
            record = state.payer(payer.payer_id).claims.get(claim.payer_claim_control_number)
            if record is None or record["claim"]["member_id"] != claim.member_id:
                verdict.reject("A7", "464", "", f"REF*F8 {claim.payer_claim_control_number!r} is not a claim "
                               f"{payer.name} adjudicated for member {claim.member_id}", today, claim.charge)  # fmt: skip
            elif record["reversed"] or claim.payer_claim_control_number in corrected:
                verdict.reject("A7", "464", "", f"claim {claim.payer_claim_control_number} was already replaced "
                               "or voided; correct the latest claim number", today, claim.charge)  # fmt: skip
            else:
                corrected.add(claim.payer_claim_control_number)
        prov = providers.get(claim.billing_npi)
        if prov is None:
            prov = providers[claim.billing_npi] = ProviderAcknowledgment(
                claim.billing_name, claim.billing_npi, header.reference or txn.st.get(2),
                [ClaimStatus("A1", "19", None, "85", "WQ", ZERO)], [], 0, 0, ZERO, ZERO,
            )
        icn = ""
        if verdict.accepted:
            icn = f"SBX{today:%y%j}{state.next('claim'):07d}"
            statuses = [ClaimStatus("A2", "20", today, "", "WQ", claim.charge)]
            prov.accepted_count += 1
            prov.accepted_amount += claim.charge
            accepted.append((claim, icn))
        else:
            statuses = verdict.statuses
            prov.rejected_count += 1
            prov.rejected_amount += claim.charge
            fr.claims.append(ClaimOutcome(claim.patient_control_number, claim.payer_id, False, "rejected",
                                          claim.charge, reasons=verdict.reasons))  # fmt: skip
        prov.claims.append(
            ClaimAcknowledgment(claim.patient_last, claim.patient_first, claim.member_id, claim.patient_control_number,
                                statuses, claim.service_from, claim.service_to, icn,
                                f"{claim.place_of_service}{claim.frequency}" if claim.form == "837I" else "")
        )  # fmt: skip
    for prov in providers.values():
        prov.statuses[0].amount = prov.accepted_amount + prov.rejected_amount
    total = sum((c.charge for c in claims), ZERO)
    rep = ClaimAcknowledgmentReport(
        config.clearinghouse_name, config.clearinghouse_id, header.submitter_name, header.submitter_id or "UNKNOWN",
        header.reference or txn.st.get(2), today, today, f"SBX{state.next('trace'):09d}",
        [ClaimStatus("A1", "19", today, "PR", "WQ", total)], list(providers.values()), reference=f"{state.next('trace'):09d}",
        created=when,
    )  # fmt: skip
    return rep, accepted


def _adjudicate(accepted: list[tuple[BilledClaim, str]], config: SandboxConfig, state: SandboxState,
                today: date) -> list[ClaimResult]:  # fmt: skip
    """Adjudicate claims in file order. A replacement (7) or void (8) first reverses the claim it names
    (and that claim's crossover); a Medicare claim that crosses over is followed by the supplemental
    payer's adjudication of it."""
    fees, codes = medicare_fee_schedule(), _codes()
    out: list[ClaimResult] = []
    for claim, icn in accepted:
        payer = config.payers[claim.payer_id]
        ps = state.payer(payer.payer_id)
        accumulators = ps.accumulators.setdefault(claim.member_id, {})
        if claim.frequency in ("7", "8"):
            original = ps.claims[claim.payer_claim_control_number]
            out.append(reversal(original, payer, claim.payer_claim_control_number))
            undo(original, accumulators, ps.history, payer)
            if original["crossover"]:
                partner_id, partner_icn = original["crossover"]
                partner_record = state.payer(partner_id).claims.get(partner_icn)
                if partner_record is not None and not partner_record["reversed"]:
                    partner, pps = config.payers[partner_id], state.payer(partner_id)
                    out.append(reversal(partner_record, partner, partner_icn))
                    undo(partner_record, pps.accumulators.setdefault(partner_record["claim"]["member_id"], {}),
                         pps.history, partner)  # fmt: skip
            if claim.frequency == "8":
                continue
        review = Review(claim, payer, payer.members[claim.member_id], today, codes, fees, ps.history)
        before = dict(accumulators)
        if claim.is_secondary:
            review.priors = priors_from_837(claim)
            result = adjudicate_secondary(review, icn)
        else:
            result = adjudicate_primary(review, accumulators, icn)
        remember(result, ps.history, crossover=False)
        ps.claims[icn] = claim_record(result, accumulator_deltas(before, accumulators), None)
        out.append(result)
        if result.crossover_to:
            partner = config.payers[result.crossover_to]
            xmember = partner.crossover_member(claim.member_id)
            if xmember is None:
                result.status, result.claim_remarks, result.crossover_to = "1", [], ""
                ps.claims[icn]["status"] = "1"
                continue
            result.crossover_name = partner.name
            # The partner files the claim under its own member ID (its 835's NM1*QC), found by the Medicare ID.
            xclaim = replace(claim, payer_id=partner.payer_id, payer_name=partner.name, responsibility="S",
                             member_id=xmember.member_id)
            xps = state.payer(partner.payer_id)
            xreview = Review(xclaim, partner, xmember, today, codes, fees, xps.history,
                             priors_from_result(result))  # fmt: skip
            xicn = f"SBX{today:%y%j}{state.next('claim'):07d}"
            xresult = adjudicate_secondary(xreview, xicn)
            remember(xresult, xps.history, crossover=True)
            xps.claims[xicn] = claim_record(xresult, {}, None)
            ps.claims[icn]["crossover"] = [partner.payer_id, xicn]
            out.append(xresult)
    return out


def _remittances(results: list[ClaimResult], config: SandboxConfig, state: SandboxState, today: date) -> list[Remittance]:
    """One 835 per payer and payee (billing provider): BPR02 = sum(CLP04) - sum(PLB).

    A reversal can take back more than the remittance pays; the payer never sends a negative
    payment, so the shortfall is carried as a forwarding balance (PLB FB, negative now) and
    recovered from the next remittance to that payee (PLB FB, positive)."""
    groups: dict[tuple[str, str], list[ClaimResult]] = {}
    for r in results:
        groups.setdefault((r.payer.payer_id, r.claim.billing_npi), []).append(r)
    out = []
    for (payer_id, npi), rs in groups.items():
        payer = rs[0].payer
        ps = state.payer(payer_id)
        claims = [claim_payment(r, received=today) for r in rs]
        total = sum((c.paid for c in claims), ZERO)
        plb: list[ProviderAdjustment] = []
        owed = ps.forward_balance.get(npi, ZERO)
        year_end = date(today.year, 12, 31)
        if total < 0:
            plb.append(ProviderAdjustment(npi, year_end, "FB", rs[0].payer_claim_number, total))
            ps.forward_balance[npi] = owed - total
        elif owed > 0 and total > 0:
            recovered = min(owed, total)
            plb.append(ProviderAdjustment(npi, year_end, "FB", "BALANCE FORWARD", recovered))
            ps.forward_balance[npi] = owed - recovered
        payment = total - sum((p.amount for p in plb), ZERO)
        out.append(
            Remittance(
                payment, "C", "I" if payment > 0 else "H", "ACH" if payment > 0 else "NON", today,
                f"{payer.payer_id}{state.next('trace'):09d}"[:50], payer.originator_id, payer.name, payer.payer_id,
                payer.address, "8005550199", rs[0].claim.billing_name, "XX", npi, production_date=today, claims=claims,
                provider_adjustments=plb,
            )
        )  # fmt: skip
    return out
