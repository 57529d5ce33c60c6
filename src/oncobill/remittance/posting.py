"""An adjudicated remit line as balanced ledger entries (domain 7.3, 7.5, 8.1), pure.

Per line: the payment (SVC03); each CAS triplet one entry, its reason kept as "GROUP-CARC":
CO and PI are contractual adjustments; OA too, except OA-23 on a secondary's remit (the prior
payer's share, already settled in our ledger by the primary's remit); PR moves responsibility
to the next payer when the patient has one that day, else to the patient, one entry per CARC so
deductible (PR-1), coinsurance (PR-2) and copay (PR-3) stay apart. A negative amount (a payer
giving back an earlier reduction) is the same entry mirrored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from oncobill.ledger import rules as ledger
from oncobill.ledger.rules import EntryDraft, Party, Refs
from oncobill.x12.remit835 import Adjustment

ZERO = Decimal("0.00")
CONTRACTUAL_GROUPS = frozenset({"CO", "PI", "OA"})


@dataclass(frozen=True, slots=True)
class LinePosting:
    """Where a remit line's money goes: who paid, who owes the patient's share next."""

    refs: Refs
    payer_id: int
    next_party: Party  # the secondary payer, or the patient
    secondary_remit: bool = False  # this payer is not the primary: OA-23 is the prior payer's share


def _signed(build: Callable[[Decimal], EntryDraft], amount: Decimal, memo: str) -> EntryDraft | None:
    if amount == ZERO:
        return None
    if amount > ZERO:
        return build(amount)
    draft = build(-amount)
    return EntryDraft(kind=draft.kind, postings=tuple(replace(p, amount=-p.amount) for p in draft.postings),
                      memo=f"{draft.memo} (negative: given back)" if draft.memo else memo,
                      reason_code=draft.reason_code)


def payment(target: LinePosting, paid: Decimal, memo: str) -> EntryDraft | None:
    return _signed(lambda a: ledger.payer_payment(target.refs, target.payer_id, a, memo=memo), paid, memo)


def adjustment(target: LinePosting, adj: Adjustment, memo: str) -> EntryDraft | None:
    """One CAS triplet as an entry, or None when it moves no money in our ledger (OA-23 on a secondary)."""
    code = f"{adj.group}-{adj.reason}"
    if adj.group == "PR":
        source = Party.payer(target.payer_id)
        return _signed(lambda a: ledger.transfer(target.refs, source, target.next_party, a, reason_code=code,
                                                 memo=memo), adj.amount, memo)
    if adj.group == "OA" and adj.reason == "23" and target.secondary_remit:
        return None
    if adj.group in CONTRACTUAL_GROUPS:
        return _signed(lambda a: ledger.contractual_adjustment(target.refs, target.payer_id, a, reason_code=code,
                                                               memo=memo), adj.amount, memo)
    # CR and unknown groups: treated as the payer's reduction, reason kept for review.
    return _signed(lambda a: ledger.contractual_adjustment(target.refs, target.payer_id, a, reason_code=code,
                                                           memo=memo), adj.amount, memo)


def line_entries(target: LinePosting, paid: Decimal, adjustments: list[Adjustment], memo: str) -> list[EntryDraft]:
    drafts = [payment(target, paid, memo)] + [adjustment(target, a, memo) for a in adjustments]
    return [d for d in drafts if d is not None]


def allocate(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split a claim-level amount over lines by their charges, to the cent; the last line takes the rest."""
    if not weights:
        return []
    total = sum(weights, ZERO)
    if total == ZERO:
        return [amount] + [ZERO] * (len(weights) - 1)
    shares = [(amount * w / total).quantize(Decimal("0.01")) for w in weights[:-1]]
    return shares + [amount - sum(shares, ZERO)]


def claim_level_adjustments(adjustments: list[Adjustment], charges: list[Decimal]) -> list[list[Adjustment]]:
    """Claim-level CAS spread over the claim's lines (our ledger keeps A/R per line)."""
    per_line: list[list[Adjustment]] = [[] for _ in charges]
    for adj in adjustments:
        for i, share in enumerate(allocate(adj.amount, charges)):
            if share != ZERO:
                per_line[i].append(Adjustment(adj.group, adj.reason, share))
    return per_line


def is_crossover(status: str, remarks: list[str]) -> bool:
    """CLP02 19/20 with MA18: the payer forwarded the claim; no secondary claim from us."""
    return status in ("19", "20") and "MA18" in remarks
