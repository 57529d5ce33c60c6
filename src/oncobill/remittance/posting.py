"""An adjudicated remit line as one balanced ledger entry (domain 7.3, 7.5, 8.1), pure.

Per line, one entry of kind ``remittance``: a posting for the payment (SVC03, to cash) and one for
each CAS triplet, each carrying its reason as "GROUP-CARC", against one credit to the payer's A/R for
all of it (one entry per line, not per triplet, and one A/R posting per line: a 100k-claim 835 makes
200k entries and 800k postings, not 600k and 1.2M). CO and PI are contractual adjustments;
OA too, except OA-23 on a secondary's remit (the prior payer's share, already settled in our
ledger by the primary's remit); PR moves responsibility to the next payer when the patient has one
that day, else to the patient, one pair per CARC so deductible (PR-1), coinsurance (PR-2) and copay
(PR-3) stay apart. A negative amount (a payer giving back an earlier reduction) is its pair mirrored.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from oncobill.ledger import rules as ledger
from oncobill.ledger.rules import EntryDraft, EntryKind, Party, Posting, Refs
from oncobill.x12.remit835 import Adjustment

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class LinePosting:
    """Where a remit line's money goes: who paid, who owes the patient's share next."""

    refs: Refs
    payer_id: int
    next_party: Party  # the secondary payer, or the patient
    secondary_remit: bool = False  # this payer is not the primary: OA-23 is the prior payer's share


def moves(target: LinePosting, paid: Decimal, adjustments: list[Adjustment]) -> list[tuple[Posting, ...]]:
    """The line's payment and each CAS triplet as a pair of postings under its reason ("GROUP-CARC");
    a zero amount moves nothing, and OA-23 on a secondary's remit is left out (see the module text)."""
    refs, payer_id = target.refs, target.payer_id
    out = [ledger.payment_move(refs, payer_id, paid)] if paid else []
    for adj in adjustments:
        if not adj.amount:
            continue
        code = f"{adj.group}-{adj.reason}"
        if adj.group == "PR":
            out.append(ledger.transfer_move(refs, Party(payer_id), target.next_party, adj.amount, code))
        elif not (adj.group == "OA" and adj.reason == "23" and target.secondary_remit):
            # CO, PI, OA; CR and unknown groups too: the payer's reduction, its reason kept for review
            out.append(ledger.adjustment_move(refs, payer_id, adj.amount, code))
    return out


def line_entry(target: LinePosting, paid: Decimal, adjustments: list[Adjustment], memo: str) -> EntryDraft | None:
    """The whole remit line as one entry; None when it moves no money (nothing paid, nothing adjusted).
    A negative amount (a payer giving back an earlier reduction) is its pair mirrored, and said in the memo."""
    if paid < ZERO or any(a.amount < ZERO for a in adjustments):
        memo = f"{memo} (negative amounts: given back)"[:500]
    return ledger.combined(EntryKind.REMITTANCE, moves(target, paid, adjustments), memo=memo,
                           relieve=Party(target.payer_id))


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
