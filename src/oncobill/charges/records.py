"""Plain data the charge rules read and write: what was documented, what the payer wants, what we bill.

These are not the database tables (``charges/models.py``); a service converts rows to these.
"""

from __future__ import annotations

import weakref
from dataclasses import MISSING, dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal


def _quick_frozen_init(cls):
    """Give a frozen, slotted dataclass an ``__init__`` that fills the slots through their
    descriptors. The generated one calls ``object.__setattr__`` per field, which costs about as
    much as the rest of reading an administration row; the signature, defaults and resulting
    records are the same, and assignment after construction is still refused."""
    names = [f.name for f in fields(cls)]
    env = {"_new": object.__new__, "_cls": cls, "_factory": _FACTORY}
    params, body = [], []
    for f in fields(cls):
        env[f"_set_{f.name}"] = cls.__dict__[f.name].__set__
        if f.default is not MISSING:
            env[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        elif f.default_factory is not MISSING:
            env[f"_make_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_factory")
            body.append(f"    if {f.name} is _factory:\n        {f.name} = _make_{f.name}()\n")
        else:
            params.append(f.name)
    body.extend(f"    _set_{name}(self, {name})\n" for name in names)
    source = f"def __init__(self, {', '.join(params)}):\n{''.join(body)}"
    exec(source, env)  # noqa: S102 - code built from the field names above, as dataclasses does
    init = env["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    cls.__init__ = init
    return cls


class _Factory:
    """Default of a parameter whose field has a default_factory (shown as dataclasses shows it)."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()

class LookupMemo:
    """Answers of pure code-set look-ups (HCPCS on a date, a diagnosis code's form, NCCI pairs among
    codes) for the :class:`~oncobill.codes.CodeSets` object in use.

    A code set never changes once loaded (a new import builds a new object), so answers are kept
    while the same object is passed, dropped when another one is, and cleared past ``limit``
    entries. Only successful look-ups are kept: bad input is checked, and reported, every time.
    """

    __slots__ = ("_state", "limit")

    def __init__(self, limit: int = 50_000):
        self._state: tuple = (None, {})
        self.limit = limit

    def table(self, codes) -> dict:
        owner, table = self._state
        if owner is None or owner() is not codes or len(table) > self.limit:
            table = {}
            self._state = (weakref.ref(codes), table)  # swapped whole: safe between threads
        return table


ROUTES = ("iv_infusion", "iv_push", "iv_pump", "sc", "im", "oral")
PURPOSES = ("chemotherapy", "immunotherapy", "hormonal", "therapeutic", "hydration")
SETTINGS = ("office", "facility")
NDC_UNITS = ("UN", "ML", "GR", "F2", "ME")


@_quick_frozen_init
@dataclass(frozen=True, slots=True)
class Vial:
    """Containers of one size: ``size`` of drug in ``unit`` each; ``volume_ml`` when known (for ML)."""

    size: Decimal
    unit: str
    count: int = 1
    single_dose: bool = True
    volume_ml: Decimal | None = None


@_quick_frozen_init
@dataclass(frozen=True, slots=True)
class AdministrationRecord:
    """One row of the medication administration record.

    ``purpose``: chemotherapy (any antineoplastic given by the chemo family of codes), immunotherapy
    (antineoplastic immunotherapy: chemo-family codes, Z51.12), hormonal (hormonal antineoplastic:
    96402 when SC/IM), therapeutic (supportive and other non-chemo drugs) or hydration.
    ``vials_opened`` are the containers actually opened; ``vial_sizes`` are the sizes on the shelf,
    from which the smallest-waste combination is chosen when nothing was recorded as opened.
    """

    drug: str
    dose: Decimal
    dose_unit: str
    route: str
    start: datetime
    stop: datetime | None
    purpose: str
    site: str | None = None
    hcpcs: str | None = None
    ndc: str | None = None
    vials_opened: tuple[Vial, ...] | None = None
    vial_sizes: tuple[Vial, ...] | None = None
    second_access: bool = False
    acquired_340b: bool = False
    billing_units: int | None = None  # for codes whose unit is not a measure ("per vial", "per dose")
    where: str = "administration"

    @property
    def minutes(self) -> int:
        """Whole minutes from start to stop (floored, like total_seconds() // 60)."""
        if self.stop is None:
            return 0
        span = self.stop - self.start
        return span.days * 1440 + span.seconds // 60


@_quick_frozen_init
@dataclass(frozen=True, slots=True)
class PayerRules:
    """Conventions a payer can change (defaults: Medicare Part B); data, not code."""

    name: str = "medicare"
    combine_split_hydration: bool = True  # pre + post hydration summed into one time total
    second_site_modifier: str = "XU"  # or "59": second initial service at a second access site
    injection_with_iv_modifier: str | None = None  # e.g. "XU" on 96372 billed with an IV service
    jw_jz: bool = True  # report discarded amounts (JW) or none discarded (JZ)
    sum_same_hcpcs: bool = True  # same HCPCS twice on a day: sum the doses, round once
    ndc_unit: str = "UN"  # preferred 2410 CTP05 unit when container counts are known
    modifier_340b: str | None = None  # "JG" or "TB" when the payer wants 340B drugs identified
    radiation_codes: str = "medicare_pfs"  # or "cpt": delivery code family before 2026
    physics_remainder: str = "strict"  # 77336 leftover 3-4 fractions: "strict" (nothing) or "three_or_four"
    line_dates: str = "encounter"  # add-on hours after midnight: "encounter" date or day "furnished"
    block_date: str = "last"  # 77427/77336 block line dated on its "first" or "last" (fifth) fraction


@_quick_frozen_init
@dataclass(frozen=True, slots=True)
class RadiationCourse:
    """A course of external-beam radiation as the therapists and physicists documented it."""

    technique: str  # conventional, 3d, imrt, electron, sbrt, srs
    fractions: int
    complexity: str = "intermediate"  # simple, intermediate, complex (delivery level)
    course_complete: bool = True
    planning: str | None = None  # clinical treatment planning: simple, intermediate, complex
    simulation: str | None = None  # simple, intermediate, complex
    respiratory_motion: bool = False
    plan: str | None = None  # "3d" (77295) or "imrt" (77301)
    basic_dosimetry: int = 0  # 77300 calculations
    isodose: str | None = None  # teletherapy isodose plan: simple, complex
    special_port_plan: bool = False
    special_dosimetry: int = 0
    devices: tuple[tuple[str, int], ...] = ()  # (simple|intermediate|complex, count)
    mlc_device: bool = False  # 77338, with an IMRT plan
    special_physics: bool = False
    image_guidance: bool = False
    energy_mev: Decimal | None = None  # conventional G-code level before 2026
    fraction_dates: tuple[date, ...] = ()


@_quick_frozen_init
@dataclass(frozen=True, slots=True)
class EncounterRecord:
    """One treatment day (or one radiation course) to code."""

    setting: str
    date_of_service: date
    diagnoses: tuple[str, ...]
    administrations: tuple[AdministrationRecord, ...] = ()
    primary_reason: str | None = None
    payer: PayerRules = field(default_factory=PayerRules)
    radiation_course: RadiationCourse | None = None


@dataclass(slots=True)
class CodedLine:
    """A charge line as a careful coder writes it, with its reason in billing words."""

    code: str
    units: int
    explanation: str
    modifiers: tuple[str, ...] = ()
    dx_pointers: tuple[int, ...] = ()
    ndc: str | None = None
    ndc_quantity: Decimal | None = None
    ndc_unit: str | None = None
    date_of_service: date | None = None
    role: str = "admin"  # admin | drug | radiation: how diagnosis pointers are chosen
    antineoplastic: bool = False
    container: str | None = None  # drug lines: "single_dose" or "multi_dose" containers, None when not known

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "modifiers": list(self.modifiers),
            "units": self.units,
            "dx_pointers": list(self.dx_pointers),
            "ndc": self.ndc,
            "ndc_quantity": None if self.ndc_quantity is None else str(self.ndc_quantity),
            "ndc_unit": self.ndc_unit,
            "date_of_service": None if self.date_of_service is None else self.date_of_service.isoformat(),
            "container": self.container,
            "explanation": self.explanation,
        }


@dataclass(slots=True)
class CodingResult:
    """Diagnoses in claim order and the lines pointing to them."""

    diagnoses: list[str]
    lines: list[CodedLine]
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "diagnoses": self.diagnoses,
            "lines": [line.as_dict() for line in self.lines],
            "notes": self.notes,
        }
