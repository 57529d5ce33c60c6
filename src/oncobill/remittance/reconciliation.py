"""Bank reconciliation: deposits matched to ERAs (domain 7.5). Pure functions over plain data.

1. **Matched**: the deposit names the ERA's trace number (TRN02: the EFT trace or the check number)
   in its reference or description (the CCD+ addenda carries ``TRN*1*<trace>*<payer>``) and the
   amounts agree; several ERAs under one trace match one deposit when their BPR02s add up to it.
2. **Suggested**: what is left, paired by equal amount with the deposit dated closest to the
   payment date inside a window; a biller confirms or rejects it.
3. **Unmatched**: everything else, on either side, with the reason.

Every ERA and every deposit lands in exactly one of the three. ``parse_deposits_csv`` and
``parse_bai2`` read bank files (docs/denials.md describes both layouts).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from oncobill.errors import InvalidInput
from oncobill.money import ZERO, MoneyError, money

DAYS_BEFORE = 1  # a deposit may post a day before the 835's payment date (BPR16)
DAYS_AFTER = 5  # ... or a few days after it (weekends, a check deposited late)


@dataclass(frozen=True, slots=True)
class EraSummary:
    """One 835 transaction as reconciliation sees it."""

    payer: str
    trace_number: str  # TRN02
    payment_date: date | None  # BPR16
    amount: Decimal  # BPR02
    source: str = ""  # where it came from (file, ST02), for messages

    @classmethod
    def from_remittance(cls, remit, source: str = "") -> EraSummary:
        """From a typed ``x12.remit835.Remittance``."""
        return cls(remit.payer_name or remit.payer_id, remit.trace_number, remit.payment_date,
                   remit.payment_amount, source or remit.control_number)

    def describe(self) -> str:
        return f"ERA {self.source or self.trace_number} ({self.payer}, trace {self.trace_number or '-'}, {self.amount})"


@dataclass(frozen=True, slots=True)
class Deposit:
    """A credit on the practice's bank account."""

    date: date
    amount: Decimal
    reference: str = ""
    description: str = ""
    source: str = ""  # file and line, for messages

    def describe(self) -> str:
        return f"deposit {self.source or self.reference} ({self.date}, {self.amount}, ref {self.reference or '-'})"


def entered_deposit(day: date | str, amount: Decimal | str | int, *, reference: str = "", description: str = "",
                    entered_by: str = "") -> Deposit:
    """A deposit a biller types in (a paper check, a lockbox total): checked like a bank file row."""
    where = f"deposit entered by {entered_by or 'a user'}"
    try:
        when = day if isinstance(day, date) else date.fromisoformat(str(day))
    except ValueError:
        raise InvalidInput(f"{where}: date", f"{day!r} is not a date YYYY-MM-DD") from None
    try:
        value = money(amount, exact=True)
    except MoneyError as exc:
        raise InvalidInput(f"{where}: amount", str(exc)) from None
    if value <= ZERO:
        raise InvalidInput(f"{where}: amount", f"{value} is not a deposit (it must be more than 0)")
    return Deposit(when, value, reference.strip(), description.strip(), f"{where} on {when}")


@dataclass(frozen=True, slots=True)
class Match:
    deposit: Deposit
    eras: tuple[EraSummary, ...]
    basis: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    deposit: Deposit
    era: EraSummary
    basis: str


@dataclass(frozen=True, slots=True)
class UnmatchedEra:
    era: EraSummary
    reason: str


@dataclass(frozen=True, slots=True)
class UnmatchedDeposit:
    deposit: Deposit
    reason: str


@dataclass(frozen=True, slots=True)
class Reconciliation:
    matches: tuple[Match, ...]
    suggestions: tuple[Suggestion, ...]
    unmatched_eras: tuple[UnmatchedEra, ...]
    unmatched_deposits: tuple[UnmatchedDeposit, ...]

    def summary(self) -> dict:
        return {
            "matched": len(self.matches),
            "matched_amount": str(sum((m.deposit.amount for m in self.matches), ZERO)),
            "suggested": len(self.suggestions),
            "unmatched_eras": len(self.unmatched_eras),
            "unmatched_era_amount": str(sum((u.era.amount for u in self.unmatched_eras), ZERO)),
            "unmatched_deposits": len(self.unmatched_deposits),
            "unmatched_deposit_amount": str(sum((u.deposit.amount for u in self.unmatched_deposits), ZERO)),
        }


_TRN = re.compile(r"TRN\*1\*([^*\\~/]+)")
_TOKEN = re.compile(r"[A-Za-z0-9]+")


def normalize_trace(text: str) -> str:
    """Trace numbers compare without spaces, hyphens, case or leading zeros."""
    cleaned = re.sub(r"[\s-]", "", text or "").upper()
    return cleaned.lstrip("0") or cleaned


def _deposit_traces(deposit: Deposit) -> tuple[set[str], set[str]]:
    """Traces the deposit names: firmly (its reference, a TRN addenda) and loosely (a number in its text).
    A loose mention matches only when the amount agrees; it never raises a discrepancy."""
    firm = {normalize_trace(deposit.reference)} if deposit.reference.strip() else set()
    firm |= {normalize_trace(t) for t in _TRN.findall(deposit.description)}
    loose = {normalize_trace(t) for t in _TOKEN.findall(deposit.description)
             if len(t) >= 5 and any(c.isdigit() for c in t)} - firm
    return firm, loose


def reconcile(eras: list[EraSummary], deposits: list[Deposit], *, days_before: int = DAYS_BEFORE,
              days_after: int = DAYS_AFTER) -> Reconciliation:
    """Match deposits to ERAs (trace + amount), suggest pairs (amount + date window), report the rest."""
    for i, d in enumerate(deposits):
        if money(d.amount) != d.amount or d.amount <= ZERO:
            raise InvalidInput(d.describe() if d.source else f"deposit {i + 1}",
                               f"amount {d.amount} must be a positive amount in cents")
    for i, e in enumerate(eras):
        if money(e.amount) != e.amount or e.amount < ZERO:
            raise InvalidInput(e.describe() if e.source else f"ERA {i + 1}",
                               f"amount {e.amount} must be zero or more, in cents")
    era_done: dict[int, str] = {}  # index -> "matched" | "suggested" | reason
    dep_done: dict[int, str] = {}
    unmatched_eras: list[UnmatchedEra] = []
    unmatched_deps: list[UnmatchedDeposit] = []

    for i, e in enumerate(eras):
        if e.amount == ZERO:
            era_done[i] = "zero"
            unmatched_eras.append(UnmatchedEra(e, "BPR02 is 0.00 (all denied or offset): no deposit expected"))

    by_trace: dict[str, list[int]] = {}
    for i, e in enumerate(eras):
        if i not in era_done and e.trace_number.strip():
            by_trace.setdefault(normalize_trace(e.trace_number), []).append(i)

    matches: list[Match] = []
    era_notes: dict[int, str] = {}
    dep_notes: dict[int, str] = {}
    order = sorted(range(len(deposits)), key=lambda i: (deposits[i].date, i))
    for di in order:
        dep = deposits[di]
        firm, loose = _deposit_traces(dep)
        for trace in sorted(firm) + sorted(loose):
            group = [i for i in by_trace.get(trace, ()) if i not in era_done]
            if not group:
                continue
            chosen = None
            if sum((eras[i].amount for i in group), ZERO) == dep.amount:
                chosen = group
            else:
                chosen = next(([i] for i in group if eras[i].amount == dep.amount), None)
            if chosen is None and trace in loose:
                continue
            if chosen is None:
                amounts = ", ".join(str(eras[i].amount) for i in group)
                dep_notes.setdefault(di, f"trace {trace} names ERA(s) of {amounts}, but the deposit is {dep.amount}")
                for i in group:
                    era_notes.setdefault(i, f"trace {trace} is on {dep.describe()}, but the amounts differ "
                                            f"(ERA {eras[i].amount})")
                continue
            for i in chosen:
                era_done[i] = "matched"
            dep_done[di] = "matched"
            what = "trace number and amount" if len(chosen) == 1 else \
                f"trace number, {len(chosen)} ERAs adding up to the amount"
            matches.append(Match(dep, tuple(eras[i] for i in chosen), f"{what} (trace {trace})"))
            break

    # Suggestions: equal amounts, closest dates first; a trace discrepancy stays for a person to see.
    pairs = []
    for di, dep in enumerate(deposits):
        if di in dep_done or di in dep_notes:
            continue
        for ei, era in enumerate(eras):
            if ei in era_done or ei in era_notes or era.payment_date is None or era.amount != dep.amount:
                continue
            gap = (dep.date - era.payment_date).days
            if -days_before <= gap <= days_after:
                pairs.append((abs(gap), di, ei, gap))
    suggestions: list[Suggestion] = []
    for _, di, ei, gap in sorted(pairs):
        if di in dep_done or ei in era_done:
            continue
        dep_done[di] = era_done[ei] = "suggested"
        when = "the same day" if gap == 0 else f"{abs(gap)} day(s) {'after' if gap > 0 else 'before'} the payment date"
        suggestions.append(Suggestion(deposits[di], eras[ei], f"same amount {deposits[di].amount}, deposited {when}; "
                                                              "the trace number does not appear on the deposit"))

    for ei, era in enumerate(eras):
        if ei not in era_done:
            unmatched_eras.append(UnmatchedEra(era, era_notes.get(ei) or (
                f"no deposit names trace {era.trace_number or '(none)'} and none of {era.amount} was deposited "
                f"within {days_before} day(s) before to {days_after} after {era.payment_date or '(no payment date)'}")))
    for di, dep in enumerate(deposits):
        if di not in dep_done:
            unmatched_deps.append(UnmatchedDeposit(dep, dep_notes.get(di) or (
                "no ERA's trace number appears on it and no unmatched ERA has its amount in the date window: "
                "a payment without its 835 (ask the payer or the clearinghouse), or not an insurance payment")))
    return Reconciliation(tuple(matches), tuple(suggestions), tuple(unmatched_eras), tuple(unmatched_deps))


# -- bank files ---------------------------------------------------------------------------------

CSV_COLUMNS = ("date", "amount", "reference", "description")


def parse_deposits_csv(text: str, *, source: str = "deposits.csv") -> list[Deposit]:
    """The simple layout: a header ``date,amount,reference,description`` (date YYYY-MM-DD, amount
    a decimal with at most two places). Rows with a negative amount are debits and are left out."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("date", "amount") if c not in (reader.fieldnames or ())]
    if missing:
        raise InvalidInput(f"{source} header", f"missing column(s): {', '.join(missing)}; "
                                               f"expected {','.join(CSV_COLUMNS)}")
    out = []
    for line_no, row in enumerate(reader, start=2):
        where = f"{source} line {line_no}"
        raw_date = (row.get("date") or "").strip()
        try:
            day = date.fromisoformat(raw_date)
        except ValueError:
            raise InvalidInput(f"{where}: date", f"{raw_date!r} is not a date YYYY-MM-DD") from None
        raw_amount = (row.get("amount") or "").strip().replace(",", "")
        try:
            amount = money(raw_amount, exact=True)
        except MoneyError as exc:
            raise InvalidInput(f"{where}: amount", str(exc)) from None
        if amount <= ZERO:
            continue
        out.append(Deposit(day, amount, (row.get("reference") or "").strip(),
                           (row.get("description") or "").strip(), where))
    return out


def _is_credit(type_code: str) -> bool:
    code = int(type_code)
    return 101 <= code <= 399 or 920 <= code <= 959


def parse_bai2(text: str, *, source: str = "bank.bai") -> list[Deposit]:
    """Credits (type codes 101-399, 920-959) of a BAI2 file as deposits dated by their group's
    as-of date. Amounts carry no decimal point (cents, USD). Each account's 49 trailer is checked
    against its records, so a truncated file is refused rather than half read."""
    records = _bai2_records(text, source)
    out: list[Deposit] = []
    as_of: date | None = None
    account: dict | None = None
    for line_no, fields in records:
        where = f"{source} line {line_no}"
        kind = fields[0].split(",", 1)[0]
        if kind == "02":
            as_of = _bai2_date(fields, 4, where)
            currency = fields[6] if len(fields) > 6 else ""
            if currency not in ("", "USD"):
                raise InvalidInput(where, f"currency {currency!r}: only USD is read")
        elif kind == "03":
            if as_of is None:
                raise InvalidInput(where, "account record (03) before any group header (02)")
            currency = fields[2] if len(fields) > 2 else ""
            if currency not in ("", "USD"):
                raise InvalidInput(where, f"currency {currency!r}: only USD is read")
            total = ZERO
            for j in range(4, len(fields), 4):  # type code, amount, item count, funds type
                total += _bai2_amount(fields[j], where, j) if fields[j] else ZERO
                if j + 2 < len(fields) and fields[j + 2] in ("S", "V", "D"):
                    raise InvalidInput(where, "03 summaries with funds type S/V/D are not read")
            account = {"number": fields[1] if len(fields) > 1 else "", "total": total,
                       "records": 1 + fields.continuation_count, "line": line_no}
        elif kind == "16":
            if account is None:
                raise InvalidInput(where, "transaction (16) outside an account (03)")
            account["records"] += fields.continuation_count + 1
            type_code, amount, rest = _bai2_detail(fields, where)
            account["total"] += amount
            if _is_credit(type_code):
                bank_ref, customer_ref, desc = (rest + ["", "", ""])[:3]
                out.append(Deposit(as_of, amount, customer_ref or bank_ref, desc,
                                   f"{where} (type {type_code}, account {account['number']})"))
        elif kind == "49":
            if account is None:
                raise InvalidInput(where, "account trailer (49) without an account (03)")
            account["records"] += 1 + fields.continuation_count
            control = _bai2_amount(fields[1], where, 1) if len(fields) > 1 and fields[1] else ZERO
            if control != account["total"]:
                raise InvalidInput(where, f"account {account['number']} control total {control} is not the sum "
                                          f"of its records {account['total']}")
            count = fields[2] if len(fields) > 2 else ""
            if count and int(count) != account["records"]:
                raise InvalidInput(where, f"account {account['number']} says {count} records, "
                                          f"found {account['records']}")
            account = None
        elif kind in ("01", "98", "99"):
            if kind == "01" and (len(fields) < 9 or fields[8] != "2"):
                raise InvalidInput(where, "file header (01) is not BAI version 2")
        else:
            raise InvalidInput(where, f"record type {kind!r} is not a BAI2 record")
    if account is not None:
        raise InvalidInput(source, f"account {account['number']} (line {account['line']}) has no trailer (49): "
                                   "the file is incomplete")
    return out


class _Fields(list):
    continuation_count = 0


def _bai2_records(text: str, source: str) -> list[tuple[int, _Fields]]:
    """Logical records: 88 continuations joined to the record before them; the ending '/' removed."""
    out: list[tuple[int, _Fields]] = []
    raw: list[tuple[int, str, int]] = []  # first line, text, continuations
    for line_no, line in enumerate(text.splitlines(), start=1):
        line = line.rstrip()
        if not line:
            continue
        if line.startswith("88,"):
            if not raw:
                raise InvalidInput(f"{source} line {line_no}", "continuation (88) with no record before it")
            first, body, n = raw[-1]
            joiner = "" if body.startswith("16,") and not body.endswith("/") else ","
            joined = body.rstrip("/") + joiner + line[3:] if joiner else body + " " + line[3:]
            raw[-1] = (first, joined, n + 1)
            continue
        raw.append((line_no, line, 0))
    for first, body, n in raw:
        kind = body[:2]
        if kind != "16":
            body = body.removesuffix("/")
        fields = _Fields(body.split(",") if kind != "16" else [body])
        fields.continuation_count = n
        out.append((first, fields))
    return out


def _bai2_detail(fields: _Fields, where: str) -> tuple[str, Decimal, list[str]]:
    """Split a 16 record: type, amount, funds type (+ its fields), bank ref, customer ref, text (may hold commas)."""
    parts = fields[0].split(",")
    if len(parts) < 4:
        raise InvalidInput(where, "transaction detail (16) needs type code, amount and funds type")
    type_code = parts[1]
    if not (type_code.isdigit() and len(type_code) == 3):
        raise InvalidInput(where, f"type code {type_code!r} is not three digits")
    amount = _bai2_amount(parts[2], where, 2)
    funds = parts[3]
    pos = 4
    if funds == "S":
        pos += 3
    elif funds == "V":
        pos += 2
    elif funds == "D":
        if len(parts) <= pos or not parts[pos].isdigit():
            raise InvalidInput(where, "funds type D needs the number of distributions")
        pos += 1 + 2 * int(parts[pos])
    elif funds not in ("", "Z", "0", "1", "2"):
        raise InvalidInput(where, f"funds type {funds!r} is not one of Z, 0, 1, 2, S, V, D")
    rest = parts[pos:]
    bank_ref = rest[0] if rest else ""
    customer_ref = rest[1] if len(rest) > 1 else ""
    text = ",".join(rest[2:]).strip()
    if text.endswith("/"):
        text = text[:-1].rstrip()
    bank_ref, customer_ref = bank_ref.rstrip("/"), customer_ref.rstrip("/")
    return type_code, amount, [bank_ref, customer_ref, text]


def _bai2_amount(text: str, where: str, field: int) -> Decimal:
    text = text.strip().rstrip("/")
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    if not digits.isdigit():
        raise InvalidInput(f"{where} field {field + 1}", f"amount {text!r} is not whole cents (BAI2 has no decimal point)")
    return (Decimal(sign * int(digits)) / 100).quantize(Decimal("0.01"))


def _bai2_date(fields: _Fields, index: int, where: str) -> date:
    text = fields[index] if len(fields) > index else ""
    try:
        return datetime.strptime(text, "%y%m%d").date()
    except ValueError:
        raise InvalidInput(f"{where} field {index + 1}", f"as-of date {text!r} is not YYMMDD") from None
