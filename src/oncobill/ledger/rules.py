"""Double-entry rules for every money event, as pure functions over plain data.

Each money event becomes one :class:`EntryDraft` whose postings sum to zero (debits are
positive, credits negative). A/R is split by who owes it: ``ar_payer`` (with the payer) and
``ar_patient``; moving responsibility is a transfer between those, so a balance is always a
sum of postings and is never stored a second time.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from oncobill.errors import InvalidInput
from oncobill.money import CENT, ZERO, MoneyError, money


class Account(str, enum.Enum):
    CASH = "cash"
    AR_PAYER = "ar_payer"
    AR_PATIENT = "ar_patient"
    GROSS_CHARGES = "gross_charges"  # revenue, credit-normal
    CONTRACTUAL_ADJUSTMENTS = "contractual_adjustments"  # contra-revenue (CO/PI)
    WRITE_OFFS = "write_offs"  # contra-revenue (timely filing, small balance, charity, bad debt)
    PROVIDER_ADJUSTMENTS = "provider_adjustments"  # payer-level money not tied to a claim (PLB)


AR_ACCOUNTS = frozenset({Account.AR_PAYER, Account.AR_PATIENT})


class EntryKind(str, enum.Enum):
    CHARGE = "charge"
    PAYER_PAYMENT = "payer_payment"
    CONTRACTUAL_ADJUSTMENT = "contractual_adjustment"
    TRANSFER_TO_PAYER = "transfer_to_payer"  # e.g. primary's PR moved to the secondary
    TRANSFER_TO_PATIENT = "transfer_to_patient"
    PATIENT_PAYMENT = "patient_payment"
    WRITE_OFF = "write_off"
    REFUND = "refund"
    REVERSAL = "reversal"
    PROVIDER_ADJUSTMENT = "provider_adjustment"  # 835 PLB: money withheld or added at payer level
    REMITTANCE = "remittance"  # one 835 service line: its payment, adjustments and transfers, reasons per posting


@dataclass(frozen=True, slots=True)
class Party:
    """Who owes a balance: a payer (by id) or the patient."""

    payer_id: int | None = None

    @classmethod
    def payer(cls, payer_id: int) -> Party:
        if payer_id is None:
            raise InvalidInput("party", "a payer party needs a payer id")
        return cls(payer_id)

    @classmethod
    def patient(cls) -> Party:
        return cls(None)

    @property
    def is_patient(self) -> bool:
        return self.payer_id is None

    @property
    def account(self) -> Account:
        return Account.AR_PATIENT if self.is_patient else Account.AR_PAYER

    def __str__(self) -> str:
        return "patient" if self.is_patient else f"payer {self.payer_id}"


@dataclass(frozen=True, slots=True)
class Refs:
    """What a money event concerns. Line-level money always names its charge line."""

    patient_id: int | None = None
    charge_line_id: int | None = None
    claim_line_id: int | None = None
    claim_id: int | None = None


class Posting(NamedTuple):
    """One side of a move. A named tuple rather than a frozen dataclass: an 835 makes over a million
    of them, and a tuple is built in a third of the time; as immutable, compared by value."""

    account: Account
    amount: Decimal  # signed: debit > 0, credit < 0
    payer_id: int | None = None
    patient_id: int | None = None
    charge_line_id: int | None = None
    claim_line_id: int | None = None
    claim_id: int | None = None
    reason_code: str | None = None  # why this posting (e.g. "CO-45"): an entry may carry several reasons


@dataclass(frozen=True, slots=True)
class EntryDraft:
    """A journal entry before it is stored: balanced by construction, checked again here."""

    kind: EntryKind
    postings: tuple[Posting, ...]
    memo: str = ""
    reason_code: str | None = None  # e.g. "CO-45", "PR-2", "timely_filing"
    reverses_entry_id: int | None = None

    def __post_init__(self) -> None:
        if len(self.postings) < 2:
            raise InvalidInput(f"{self.kind.value} entry", "needs at least two postings")
        for p in self.postings:
            if not _whole_cents(p.amount):
                raise InvalidInput(f"{self.kind.value} entry", f"posting amount {p.amount} is not whole cents")
        imbalance = sum((p.amount for p in self.postings), ZERO)
        if imbalance != ZERO:
            raise InvalidInput(f"{self.kind.value} entry", f"debits and credits differ by {imbalance}")


def _whole_cents(amount) -> bool:
    """Whether an amount is whole cents: a Decimal compared with itself quantized (cheap: the 835
    poster checks millions), anything else through :func:`money`."""
    try:
        if type(amount) is Decimal and amount.is_finite():
            return amount == amount.quantize(CENT)
        return amount == money(amount)
    except (MoneyError, ArithmeticError):
        return False


def positive_amount(amount: Decimal | int | str, what: str) -> Decimal:
    """A money event's amount: whole cents and above zero, or a clear error."""
    try:
        value = money(amount, exact=True)
    except MoneyError as exc:
        raise InvalidInput(what, str(exc)) from exc
    if value <= ZERO:
        raise InvalidInput(what, f"amount must be above zero, got {value}")
    return value


def _postings(debit: Account, credit: Account, amount: Decimal, refs: Refs, debit_payer: int | None,
              credit_payer: int | None, reason_code: str | None) -> tuple[Posting, Posting]:
    """A debit and its credit of one amount, both naming what the money concerns and why."""
    return (Posting(debit, amount, debit_payer, refs.patient_id, refs.charge_line_id, refs.claim_line_id,
                    refs.claim_id, reason_code),
            Posting(credit, -amount, credit_payer, refs.patient_id, refs.charge_line_id, refs.claim_line_id,
                    refs.claim_id, reason_code))


def _pair(kind: EntryKind, debit: Account, credit: Account, amount: Decimal, refs: Refs, *,
          debit_payer: int | None = None, credit_payer: int | None = None, memo: str = "",
          reason_code: str | None = None) -> EntryDraft:
    return EntryDraft(kind=kind, postings=_postings(debit, credit, amount, refs, debit_payer, credit_payer,
                                                    reason_code), memo=memo, reason_code=reason_code)


# -- the moves of one event that happens with others (an 835 service line): signed amounts, a negative
# one mirrored (a payer giving back an earlier reduction); checked when :func:`combined` makes the entry.

def payment_move(refs: Refs, payer_id: int, amount: Decimal) -> tuple[Posting, Posting]:
    """The payer's money: cash in, the payer's A/R down."""
    return _postings(Account.CASH, Account.AR_PAYER, amount, refs, payer_id, payer_id, None)


def adjustment_move(refs: Refs, payer_id: int, amount: Decimal, reason_code: str) -> tuple[Posting, Posting]:
    """A contractual reduction of the payer's A/R (CO, PI, OA), under its reason."""
    return _postings(Account.CONTRACTUAL_ADJUSTMENTS, Account.AR_PAYER, amount, refs, None, payer_id, reason_code)


def transfer_move(refs: Refs, source: Party, target: Party, amount: Decimal,
                  reason_code: str | None) -> tuple[Posting, Posting]:
    """Responsibility moved from one party to another (PR to the next payer or the patient)."""
    if source == target:
        raise InvalidInput("transfer", f"source and target are both {source}")
    return _postings(target.account, source.account, amount, refs, target.payer_id, source.payer_id, reason_code)


def combined(kind: EntryKind, moves: Iterable[tuple[Posting, ...]], *, relieve: Party,
             memo: str = "") -> EntryDraft | None:
    """Moves that happened together as one entry (an 835 service line's payment, adjustments and
    transfers), each posting keeping its own reason, with *relieve*'s A/R postings netted into one
    posting without a reason: what the 835 line took off the payer's A/R in all (the entry's other
    postings say why, reason by reason). None when nothing moves."""
    account, payer_id = relieve.account, relieve.payer_id
    postings, relieved, total = [], None, ZERO
    for move in moves:
        for p in move:
            if p.account is account and p.payer_id == payer_id:
                relieved = relieved or p
                total += p.amount
            else:
                postings.append(p)
    if total:
        postings.append(Posting(account, total, payer_id, relieved.patient_id, relieved.charge_line_id,
                                relieved.claim_line_id, relieved.claim_id))
    return EntryDraft(kind=kind, postings=tuple(postings), memo=memo) if postings else None


def charge(refs: Refs, amount, responsible: Party, *, memo: str = "") -> EntryDraft:
    """A service charged: the responsible party owes it, gross charges earn it."""
    value = positive_amount(amount, "charge")
    return _pair(EntryKind.CHARGE, responsible.account, Account.GROSS_CHARGES, value, refs,
                 debit_payer=responsible.payer_id, memo=memo)


def payer_payment(refs: Refs, payer_id: int, amount, *, memo: str = "") -> EntryDraft:
    value = positive_amount(amount, "payer payment")
    return EntryDraft(EntryKind.PAYER_PAYMENT, payment_move(refs, payer_id, value), memo=memo)


def contractual_adjustment(refs: Refs, payer_id: int, amount, *, reason_code: str = "CO-45",
                           memo: str = "") -> EntryDraft:
    """The part of a charge above what the contract allows: the practice absorbs it."""
    value = positive_amount(amount, "contractual adjustment")
    return EntryDraft(EntryKind.CONTRACTUAL_ADJUSTMENT, adjustment_move(refs, payer_id, value, reason_code),
                      memo=memo, reason_code=reason_code)


def transfer(refs: Refs, source: Party, target: Party, amount, *, reason_code: str | None = None,
             memo: str = "") -> EntryDraft:
    """Move responsibility for part of a balance from one party to another."""
    value = positive_amount(amount, "transfer")
    kind = EntryKind.TRANSFER_TO_PATIENT if target.is_patient else EntryKind.TRANSFER_TO_PAYER
    return EntryDraft(kind, transfer_move(refs, source, target, value, reason_code), memo=memo,
                      reason_code=reason_code)


def patient_payment(refs: Refs, amount, *, memo: str = "") -> EntryDraft:
    value = positive_amount(amount, "patient payment")
    return _pair(EntryKind.PATIENT_PAYMENT, Account.CASH, Account.AR_PATIENT, value, refs, memo=memo)


def write_off(refs: Refs, source: Party, amount, *, reason_code: str, memo: str = "") -> EntryDraft:
    """Take a balance off the books (timely filing, small balance, charity, bad debt)."""
    if not reason_code:
        raise InvalidInput("write-off", "a write-off needs a reason code")
    value = positive_amount(amount, "write-off")
    return _pair(EntryKind.WRITE_OFF, Account.WRITE_OFFS, source.account, value, refs,
                 credit_payer=source.payer_id, memo=memo, reason_code=reason_code)


def refund(refs: Refs, recipient: Party, amount, *, memo: str = "") -> EntryDraft:
    """Money paid back out of a credit balance: the party's A/R goes back up, cash goes down."""
    value = positive_amount(amount, "refund")
    return _pair(EntryKind.REFUND, recipient.account, Account.CASH, value, refs,
                 debit_payer=recipient.payer_id, credit_payer=recipient.payer_id, memo=memo)


def provider_adjustment(payer_id: int, amount, *, reason_code: str, memo: str = "") -> EntryDraft:
    """An 835 PLB amount: positive is money the payer kept back (a recoupment, a penalty), so less
    cash came in; negative is money added (interest). No claim's A/R moves: it is linked, not applied."""
    try:
        value = money(amount, exact=True)
    except MoneyError as exc:
        raise InvalidInput("provider adjustment", str(exc)) from exc
    if value == ZERO:
        raise InvalidInput("provider adjustment", "amount must not be zero")
    return EntryDraft(
        kind=EntryKind.PROVIDER_ADJUSTMENT,
        postings=(Posting(Account.PROVIDER_ADJUSTMENTS, value, payer_id=payer_id, reason_code=reason_code),
                  Posting(Account.CASH, -value, payer_id=payer_id, reason_code=reason_code)),
        memo=memo,
        reason_code=reason_code,
    )


def reversal(original: EntryDraft, original_entry_id: int, *, memo: str = "") -> EntryDraft:
    """Undo an entry posting for posting (e.g. an 835 claim reversal, CLP02 = 22)."""
    if original.kind is EntryKind.REVERSAL:
        raise InvalidInput(f"entry {original_entry_id}", "a reversal is not reversed; post the event again")
    return EntryDraft(
        kind=EntryKind.REVERSAL,
        postings=tuple(p._replace(amount=-p.amount) for p in original.postings),
        memo=memo or f"reversal of entry {original_entry_id}",
        reason_code=original.reason_code,
        reverses_entry_id=original_entry_id,
    )


@dataclass(frozen=True, slots=True)
class Balances:
    """Balances derived from postings (what the database queries compute, done in memory)."""

    by_account: dict[Account, Decimal]
    by_payer: dict[int, Decimal]  # ar_payer per payer
    by_patient: dict[int, Decimal]  # ar_patient per patient
    by_charge_line: dict[int, Decimal]  # all A/R per charge line (a claim's balance is its lines')

    @property
    def accounts_receivable(self) -> Decimal:
        return sum((self.by_account.get(a, ZERO) for a in AR_ACCOUNTS), ZERO)


def derive_balances(postings: Iterable[Posting]) -> Balances:
    by_account: dict[Account, Decimal] = defaultdict(lambda: ZERO)
    by_payer: dict[int, Decimal] = defaultdict(lambda: ZERO)
    by_patient: dict[int, Decimal] = defaultdict(lambda: ZERO)
    by_line: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for p in postings:
        by_account[p.account] += p.amount
        if p.account not in AR_ACCOUNTS:
            continue
        if p.account is Account.AR_PAYER:
            by_payer[p.payer_id] += p.amount
        elif p.patient_id is not None:
            by_patient[p.patient_id] += p.amount
        if p.charge_line_id is not None:
            by_line[p.charge_line_id] += p.amount
    return Balances(dict(by_account), dict(by_payer), dict(by_patient), dict(by_line))
