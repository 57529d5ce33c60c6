"""Plain-data views of parsed documents (for ``oncobill x12 parse --json``): the typed
objects where OncoBill has them (835, 837P, 837I, 999, 277CA), else the loop tree.
Field names are documented in ``docs/x12.md``. Money is a string, never a float."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal

from oncobill.x12.model import Loop, Transaction, X12File
from oncobill.x12.tokenizer import Segment


def _plain(value, elem: str = "*"):
    if isinstance(value, Segment):
        return elem.join(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name), elem) for f in dataclasses.fields(value) if f.name != "bpr"
        }
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v, elem) for v in value]
    return value


def loop_tree(loop: Loop, elem: str = "*") -> dict:
    return {
        "loop": loop.spec.id,
        "name": loop.spec.name,
        "segments": [elem.join(s) for s in loop.segments],
        "loops": [loop_tree(child, elem) for child in loop.loops],
    }


def typed(txn: Transaction):
    """The typed object for *txn*, or None when OncoBill reads it only as loops."""
    version = txn.spec.version
    if txn.code == "835":
        from oncobill.x12.remit835 import read_remittance

        return read_remittance(txn)
    if txn.code == "837" and version.startswith("005010X222"):
        from oncobill.x12.claims837 import read_837p

        return read_837p(txn)
    if txn.code == "837" and version.startswith("005010X223"):
        from oncobill.x12.institutional837 import read_837i

        return read_837i(txn)
    if txn.code == "999":
        from oncobill.x12.acks import read_999

        return read_999(txn)
    if txn.code == "277" and version == "005010X214":
        from oncobill.x12.acks import read_277ca

        return read_277ca(txn)
    if txn.code in ("270", "271"):
        from oncobill.x12.eligibility import read_eligibility

        return read_eligibility(txn)
    if txn.code == "278":
        from oncobill.x12.review278 import read_278

        return read_278(txn)
    if txn.code in ("276", "277"):
        from oncobill.x12.claimstatus import read_claim_status

        return read_claim_status(txn)
    return None


def document(doc: X12File) -> dict:
    out = {"interchanges": []}
    for ic in doc.interchanges:
        elem = ic.delimiters.element
        groups = []
        for group in ic.groups:
            txns = []
            for txn in group.transactions:
                item = {
                    "transaction_set": txn.code,
                    "control_number": txn.control_number,
                    "implementation_guide": txn.spec.version,
                    "name": txn.spec.name,
                }
                obj = typed(txn)
                if obj is not None:
                    item["document"] = _plain(obj, elem)
                else:
                    item["loops"] = loop_tree(txn.body, elem)
                txns.append(item)
            groups.append({
                "functional_id": group.gs.get(1),
                "version": group.version,
                "control_number": group.control_number,
                "transactions": txns,
            })  # fmt: skip
        out["interchanges"].append({
            "sender": ic.sender,
            "receiver": ic.receiver,
            "control_number": ic.control_number,
            "date": ic.isa.get(9),
            "delimiters": dict(ic.delimiters._asdict()),
            "groups": groups,
        })  # fmt: skip
    out["warnings"] = [f.located() for f in doc.warnings]
    return out
