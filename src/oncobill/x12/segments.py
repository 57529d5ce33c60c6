"""What every transaction module shares: building a segment, the parties (NM1/N3/N4/DMG),
the procedure composite, CAS adjustments and STC statuses, in both directions.

Why one module: the 835, 837P/837I, 270/271, 276/277, 277CA and 278 write and read the same
segments the same way; each transaction module imports them from here, never from another
transaction module. The records are ``records.Record`` classes, not dataclasses, because the
typed 835 reader imports this module and must not pay for importing ``dataclasses``.
"""

# A Record's __slots__ are its fields in constructor order, and _defaults is read, never changed:
# ruff: noqa: RUF012, RUF023

from __future__ import annotations

from datetime import date
from decimal import Decimal

from oncobill.x12.model import Loop
from oncobill.x12.records import Record
from oncobill.x12.tokenizer import Segment, make_segment
from oncobill.x12.values import (
    AMOUNTS,
    amount,
    fmt_amount,
    fmt_date,
    fmt_quantity,
    optional_amount,
    parse_date,
    quantity,
    trim,
)

_set = object.__setattr__  # frozen records are built field by field, as dataclasses do
_PROCEDURES: dict = {}  # frozen Procedure objects, shared: a remit repeats the same codes
# Frozen Adjustment objects by (group, reason, amount text, quantity text): a remittance
# repeats the same few hundred CAS pairs, and every object kept alive is walked by the
# garbage collector (at the latest when the interpreter exits), so equal ones are shared.
_ADJUSTMENTS: dict = {}


def segment(*elements) -> Segment:
    """A segment from its ID and elements (numbers written as text), empty trailing elements dropped."""
    return make_segment(trim([e if isinstance(e, str) else str(e) for e in elements]))


# -- parties ------------------------------------------------------------------------------------


class Address(Record):
    """N3/N4."""

    __slots__ = ("street", "city", "state", "postal_code", "street2")
    _defaults = {"street2": ""}
    street: str
    city: str
    state: str
    postal_code: str
    street2: str

    def __init__(self, street: str, city: str, state: str, postal_code: str, street2: str = "") -> None:
        self.street = street
        self.city = city
        self.state = state
        self.postal_code = postal_code
        self.street2 = street2


class Provider(Record):
    """A billing, rendering or facility provider (NM1 entity 1 = person, 2 = organization)."""

    __slots__ = ("name", "npi", "entity", "first_name", "address", "tax_id", "taxonomy")
    _defaults = {"entity": "2", "first_name": "", "address": None, "tax_id": "", "taxonomy": ""}
    name: str
    npi: str
    entity: str
    first_name: str
    address: Address | None
    tax_id: str  # REF*EI on the billing provider
    taxonomy: str  # PRV*..*PXC

    def __init__(
        self,
        name: str,
        npi: str,
        entity: str = "2",
        first_name: str = "",
        address: Address | None = None,
        tax_id: str = "",
        taxonomy: str = "",
    ) -> None:
        self.name = name
        self.npi = npi
        self.entity = entity
        self.first_name = first_name
        self.address = address
        self.tax_id = tax_id
        self.taxonomy = taxonomy


class Person(Record):
    """A subscriber or patient."""

    __slots__ = ("last_name", "first_name", "member_id", "address", "birth_date", "gender")
    _defaults = {"member_id": "", "address": None, "birth_date": None, "gender": "U"}
    last_name: str
    first_name: str
    member_id: str
    address: Address | None
    birth_date: date | None
    gender: str

    def __init__(
        self,
        last_name: str,
        first_name: str,
        member_id: str = "",
        address: Address | None = None,
        birth_date: date | None = None,
        gender: str = "U",
    ) -> None:
        self.last_name = last_name
        self.first_name = first_name
        self.member_id = member_id
        self.address = address
        self.birth_date = birth_date
        self.gender = gender


class Payer(Record):
    """The payer an 837 is billed to (NM1*PR)."""

    __slots__ = ("name", "payer_id", "address")
    _defaults = {"address": None}
    name: str
    payer_id: str
    address: Address | None

    def __init__(self, name: str, payer_id: str, address: Address | None = None) -> None:
        self.name = name
        self.payer_id = payer_id
        self.address = address


class Party(Record):
    """Information source (payer) or receiver (provider) of a 270/271, 276/277 or 278: NM1 entity,
    name and identifier."""

    __slots__ = ("entity_code", "name", "id_qualifier", "identifier", "entity_type", "first_name")
    _defaults = {"entity_type": "2", "first_name": ""}
    entity_code: str  # NM101: PR payer, 1P provider
    name: str
    id_qualifier: str  # NM108: PI, XX (NPI), SV ...
    identifier: str
    entity_type: str
    first_name: str

    def __init__(
        self,
        entity_code: str,
        name: str,
        id_qualifier: str,
        identifier: str,
        entity_type: str = "2",
        first_name: str = "",
    ) -> None:
        self.entity_code = entity_code
        self.name = name
        self.id_qualifier = id_qualifier
        self.identifier = identifier
        self.entity_type = entity_type
        self.first_name = first_name


def name_segments(
    code: str, entity: str, last: str, first: str, qual: str, ident: str, addr: Address | None
) -> list[Segment]:
    """NM1 (first name only for a person, the qualifier only with an identifier), then N3/N4."""
    first = first if entity == "1" else ""
    out = [segment("NM1", code, entity, last, first, "", "", "", qual if ident else "", ident)]
    if addr is not None:
        out.append(segment("N3", addr.street, addr.street2))
        out.append(segment("N4", addr.city, addr.state, addr.postal_code))
    return out


def party_segments(code: str, p: Party) -> list[Segment]:
    """The NM1 of a party; *code* overrides its entity code when given."""
    code = code or p.entity_code
    return [
        segment("NM1", code, p.entity_type, p.name, p.first_name, "", "", "", p.id_qualifier, p.identifier)
    ]


def read_address(loop: Loop) -> Address | None:
    n3, n4 = loop.segment("N3"), loop.segment("N4")
    if n3 is None and n4 is None:
        return None
    return Address(
        n3.get(1) if n3 else "", n4.get(1) if n4 else "", n4.get(2) if n4 else "", n4.get(3) if n4 else "",
        n3.get(2) if n3 else "",
    )  # fmt: skip


def read_person(loop: Loop) -> Person:
    """A name loop (NM1 first) with its address and DMG."""
    nm1 = loop.segments[0]
    person = Person(nm1.get(3), nm1.get(4), nm1.get(9), read_address(loop))
    dmg = loop.segment("DMG")
    if dmg is not None:
        person.birth_date = parse_date(dmg.get(2), dmg, "DMG02")
        person.gender = dmg.get(3)
    return person


def read_payer(loop: Loop) -> Payer:
    nm1 = loop.segments[0]
    return Payer(nm1.get(3), nm1.get(9), read_address(loop))


def read_provider(loop: Loop) -> Provider:
    nm1 = loop.segments[0]
    prov = Provider(nm1.get(3), nm1.get(9), nm1.get(2), nm1.get(4), read_address(loop))
    ref = loop.segment("REF", "EI") or loop.segment("REF", "SY")
    if ref is not None:
        prov.tax_id = ref.get(2)
    return prov


def read_party(loop: Loop) -> Party:
    nm1 = loop.segments[0]
    return Party(nm1.get(1), nm1.get(3), nm1.get(8), nm1.get(9), nm1.get(2), nm1.get(4))


# -- the procedure composite (SV1, SV2, SVC, SVD) -------------------------------------------------


class Procedure(Record):
    """A composite procedure identifier, e.g. ``HC:96413:25`` (qualifier, code, modifiers)."""

    __slots__ = ("qualifier", "code", "modifiers", "description")
    _defaults = {"modifiers": (), "description": ""}
    _frozen = True
    qualifier: str
    code: str
    modifiers: tuple[str, ...]
    description: str

    def __init__(
        self, qualifier: str, code: str, modifiers: tuple[str, ...] = (), description: str = ""
    ) -> None:
        _set(self, "qualifier", qualifier)
        _set(self, "code", code)
        _set(self, "modifiers", modifiers)
        _set(self, "description", description)

    @classmethod
    def parse(cls, text: str, component: str) -> Procedure:
        key = (text, component)
        found = _PROCEDURES.get(key)
        if found is None:
            parts = text.split(component)
            mods = tuple(m for m in parts[2:6] if m)
            desc = parts[6] if len(parts) > 6 else ""
            found = cls(parts[0], parts[1] if len(parts) > 1 else "", mods, desc)
            if len(_PROCEDURES) > 50_000:
                _PROCEDURES.clear()
            _PROCEDURES[key] = found
        return found

    def format(self, component: str) -> str:
        parts = [self.qualifier, self.code, *self.modifiers]
        if self.description:
            parts += [""] * (6 - len(parts)) + [self.description]
        return component.join(parts)


# -- CAS adjustments (835 claims and lines, 837 prior payers) -------------------------------------


class Adjustment(Record):
    """One CAS triplet: group (CO, PR, OA, PI), CARC reason code, amount, optional quantity.

    Frozen, so a reader can share equal adjustments between lines.
    """

    __slots__ = ("group", "reason", "amount", "quantity")
    _defaults = {"quantity": None}
    _frozen = True
    group: str
    reason: str
    amount: Decimal
    quantity: Decimal | None

    def __init__(self, group: str, reason: str, amount: Decimal, quantity: Decimal | None = None) -> None:
        _set(self, "group", group)
        _set(self, "reason", reason)
        _set(self, "amount", amount)
        _set(self, "quantity", quantity)


def read_cas(seg, out: list[Adjustment]) -> None:
    """Append the adjustments of one CAS segment (a Segment or a plain list) to *out*."""
    # Hot path of a remittance parse: shared adjustments first, element names only on a miss.
    n = len(seg)
    if n == 4:  # one reason/amount pair, the usual CAS, seen before: no loop
        adj = _ADJUSTMENTS.get((seg[1], seg[2], seg[3], ""))
        if adj is not None:
            out.append(adj)
            return
    group = seg[1] if n > 1 else ""
    shared = _ADJUSTMENTS
    for i in range(2, n, 3):
        reason = seg[i]
        if not reason:
            continue
        text = seg[i + 1] if i + 1 < n else ""
        qtext = seg[i + 2] if i + 2 < n else ""
        key = (group, reason, text, qtext)
        adj = shared.get(key)
        if adj is None:
            amt = AMOUNTS.get(text)
            if amt is None:
                amt = amount(text, seg, f"CAS{i + 1:02d}")
            qty = quantity(qtext, seg, f"CAS{i + 2:02d}") if qtext else None
            adj = Adjustment(group, reason, amt, qty)
            if len(shared) > 100_000:
                shared.clear()
            shared[key] = adj
        out.append(adj)


def cas_segments(adjustments: list[Adjustment]) -> list[Segment]:
    """CAS segments: one per group, up to six reason/amount/quantity triplets each."""
    out: list[Segment] = []
    by_group: dict[str, list[Adjustment]] = {}
    for adj in adjustments:
        by_group.setdefault(adj.group, []).append(adj)
    for group, adjs in by_group.items():
        for start in range(0, len(adjs), 6):
            elements = ["CAS", group]
            for adj in adjs[start : start + 6]:
                elements += [adj.reason, fmt_amount(adj.amount), fmt_quantity(adj.quantity)]
            out.append(segment(*elements))
    return out


# -- STC statuses (277CA and 277) -----------------------------------------------------------------


class ClaimStatus(Record):
    """STC: category (A1..A8), status code, optional entity, the date and the billed amount."""

    __slots__ = ("category", "code", "status_date", "entity", "action", "amount")
    _defaults = {"entity": "", "action": "", "amount": None}
    category: str
    code: str
    status_date: date | None
    entity: str
    action: str  # STC03 (WQ accepted, U rejected)
    amount: Decimal | None  # STC04 total claim charge

    def __init__(
        self,
        category: str,
        code: str,
        status_date: date | None,
        entity: str = "",
        action: str = "",
        amount: Decimal | None = None,
    ) -> None:
        self.category = category
        self.code = code
        self.status_date = status_date
        self.entity = entity
        self.action = action
        self.amount = amount

    def composite(self, comp: str) -> str:
        parts = [self.category, self.code] + ([self.entity] if self.entity else [])
        return comp.join(parts)


def status_segment(st: ClaimStatus, comp: str, dated: bool = True) -> Segment:
    """The STC of *st*; the provider-level STC (2200C) carries no date in the 277CA guide."""
    return segment(
        "STC", st.composite(comp), fmt_date(st.status_date) if dated else "", st.action, fmt_amount(st.amount)
    )


def read_statuses(loop: Loop, comp: str) -> list[ClaimStatus]:
    """Every STC of *loop*."""
    out = []
    for stc in loop.all("STC"):
        parts = stc.get(1).split(comp)
        code = parts[1] if len(parts) > 1 else ""
        entity = parts[2] if len(parts) > 2 else ""
        when = parse_date(stc.get(2), stc, "STC02")
        out.append(
            ClaimStatus(parts[0], code, when, entity, stc.get(3), optional_amount(stc.get(4), stc, "STC04"))
        )
    return out
