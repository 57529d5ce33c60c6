"""The sandbox payers' own records, read from a JSON file (``mailbox/sandbox_config.json``).

A real payer knows its members (coverage dates, plan years, crossover partner), the providers
enrolled with it, the authorizations it approved and its contract. The sandbox gets the same
facts from configuration, payer by payer, keyed by the payer ID the 837 carries in 2010BB NM109.
The format is documented in docs/sandbox-payer.md; every error names the JSON path at fault.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from oncobill.money import money

KINDS = ("medicare", "medicare_advantage", "commercial", "medicaid", "medigap")
# CLP06 (claim filing indicator in the 835) by kind, when the config does not say.
FILING_835 = {"medicare": "MB", "medicare_advantage": "16", "commercial": "12", "medicaid": "MC", "medigap": "15"}
ALL_RULES = ("coverage_active", "timely_filing", "rendering_enrolled", "prior_payer_information", "duplicate",
             "prior_authorization", "jw_jz", "ndc", "ncci_ptp", "mue", "place_of_service")  # fmt: skip


class ConfigError(ValueError):
    """The sandbox configuration is wrong; the message names the JSON path and the reason."""


@dataclass(frozen=True)
class Member:
    member_id: str
    coverage_from: date
    coverage_to: date | None = None
    plan_year_start: tuple[int, int] = (1, 1)  # month, day the deductible and OOP reset
    crossover_to: str = ""  # payer ID of a supplemental payer Medicare crosses the claim to
    last_name: str = ""
    first_name: str = ""
    # A supplemental plan's member: the Medicare ID its crossover (COBA) eligibility file gives Medicare,
    # by which a claim Medicare forwards finds the member under the plan's own member ID.
    medicare_id: str = ""

    def covered_on(self, day: date) -> bool:
        return self.coverage_from <= day and (self.coverage_to is None or day <= self.coverage_to)

    def plan_year(self, day: date) -> date:
        """First day of the plan year *day* falls in (accumulators are keyed by it)."""
        month, dom = self.plan_year_start
        start = date(day.year, month, dom)
        return start if start <= day else date(day.year - 1, month, dom)


@dataclass(frozen=True)
class Enrollment:
    npi: str
    effective: date
    end: date | None = None

    def covers(self, day: date) -> bool:
        return self.effective <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Authorization:
    number: str
    member_id: str
    start: date
    end: date
    units: dict[str, Decimal]  # approved units per code; a code absent is not authorized


@dataclass(frozen=True)
class Benefits:
    """Cost sharing of the plan: what the member pays before and after the deductible."""

    deductible: dict[int, Decimal]  # by calendar year of the plan-year start; key 0 = any year
    coinsurance_percent: Decimal = Decimal(0)
    copays: dict[str, Decimal] = field(default_factory=dict)  # category -> copay per claim
    oop_max: Decimal | None = None
    sequestration_percent: Decimal = Decimal(0)
    asp_coinsurance: bool = False  # Medicare: drug coinsurance as the ASP file says (IRA-reduced)
    covers: tuple[str, ...] = ("1", "2", "3")  # secondary: PR reasons of the primary it pays

    def deductible_for(self, plan_year: date) -> Decimal:
        """The plan year's deductible: its own year's amount, else the latest earlier year's (a
        payer that has not published next year's amount keeps this year's), else the single amount."""
        if plan_year.year in self.deductible or 0 in self.deductible:
            return self.deductible.get(plan_year.year, self.deductible.get(0))
        earlier = [y for y in self.deductible if y <= plan_year.year]
        return self.deductible[max(earlier) if earlier else min(self.deductible)]


@dataclass(frozen=True)
class Pricing:
    """Allowed amounts as a percentage of the Medicare fee schedule (PFS and ASP limits)."""

    percent_of_medicare: Decimal = Decimal(100)
    drug_percent_of_medicare: Decimal | None = None  # None: same as services
    unlisted_percent_of_charge: Decimal = Decimal(50)  # codes without a Medicare fee


@dataclass(frozen=True)
class DenialCode:
    group: str
    carc: str
    rarcs: tuple[str, ...] = ()


@dataclass(frozen=True)
class PayerConfig:
    payer_id: str
    name: str
    kind: str
    pricing: Pricing
    benefits: Benefits
    timely_filing_days: int = 365
    rules: tuple[str, ...] = ALL_RULES
    jw_jz_required: bool = False
    ndc_required: bool = False
    auth_required_codes: tuple[str, ...] = ()  # "J9271" or a prefix pattern "J9*"
    enrollments: tuple[Enrollment, ...] | None = None  # None: the payer does not check enrollment
    authorizations: tuple[Authorization, ...] = ()
    members: dict[str, Member] = field(default_factory=dict)
    denial_codes: dict[str, DenialCode] = field(default_factory=dict)
    filing_indicator_835: str = ""
    originator_id: str = "1999999999"  # TRN03: 1 + the payer's TIN
    address: tuple[str, str, str, str] = ("1 SANDBOX WAY", "SPRINGFIELD", "IL", "627010001")

    def crossover_member(self, member_id: str) -> Member | None:
        """The member a claim Medicare forwards under *member_id* (the Medicare ID) is for: the member
        listed under that ID, else the one whose crossover eligibility record carries it."""
        found = self.members.get(member_id)
        if found is None and member_id:
            found = next((m for m in self.members.values() if m.medicare_id == member_id), None)
        return found

    def needs_authorization(self, code: str) -> bool:
        for pattern in self.auth_required_codes:
            if pattern.endswith("*") and code.startswith(pattern[:-1]) or code == pattern:
                return True
        return False


@dataclass(frozen=True)
class SandboxConfig:
    payers: dict[str, PayerConfig]
    clearinghouse_name: str = "ONCOBILL SANDBOX CLEARINGHOUSE"
    clearinghouse_id: str = "SANDBOXCH"


# -- parsing ----------------------------------------------------------------------------------


def _date(value, where: str, *, optional: bool = False) -> date | None:
    if value is None and optional:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _dec(value, where: str) -> Decimal:
    if isinstance(value, (float, bool)):
        raise ConfigError(f"{where}: write amounts and percentages as strings or integers, not {value!r}")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ConfigError(f"{where}: {value!r} is not a number") from None


def _money(value, where: str) -> Decimal:
    return money(_dec(value, where))


def _obj(value, where: str) -> dict:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected an object, found {type(value).__name__}")
    return value


def _list(value, where: str) -> list:
    if not isinstance(value, list):
        raise ConfigError(f"{where}: expected a list, found {type(value).__name__}")
    return value


def _required(d: dict, key: str, where: str):
    if key not in d:
        raise ConfigError(f"{where}.{key}: required")
    return d[key]


def _benefits(d: dict, where: str) -> Benefits:
    raw = d.get("deductible", "0")
    if isinstance(raw, dict):
        deductible = {}
        for k, v in raw.items():
            if not str(k).isdigit() or not 1900 < int(k) < 3000:
                raise ConfigError(f"{where}.deductible.{k}: key must be a plan year such as \"2026\"")
            deductible[int(k)] = _money(v, f"{where}.deductible.{k}")
        if not deductible:
            raise ConfigError(f"{where}.deductible: give an amount, or at least one plan year")
    else:
        deductible = {0: _money(raw, f"{where}.deductible")}
    oop = d.get("oop_max")
    return Benefits(
        deductible=deductible,
        coinsurance_percent=_dec(d.get("coinsurance_percent", 0), f"{where}.coinsurance_percent"),
        copays={k: _money(v, f"{where}.copays.{k}") for k, v in _obj(d.get("copays", {}), f"{where}.copays").items()},
        oop_max=None if oop is None else _money(oop, f"{where}.oop_max"),
        sequestration_percent=_dec(d.get("sequestration_percent", 0), f"{where}.sequestration_percent"),
        asp_coinsurance=bool(d.get("asp_coinsurance", False)),
        covers=tuple(str(x) for x in _list(d.get("covers", ["1", "2", "3"]), f"{where}.covers")),
    )


def _member(d: dict, where: str) -> Member:
    pys = str(d.get("plan_year_start", "01-01"))
    try:
        month, day = (int(x) for x in pys.split("-"))
        date(2000, month, day)
    except ValueError:
        raise ConfigError(f"{where}.plan_year_start: {pys!r} must be MM-DD") from None
    return Member(
        member_id=str(_required(d, "member_id", where)),
        coverage_from=_date(_required(d, "coverage_from", where), f"{where}.coverage_from"),
        coverage_to=_date(d.get("coverage_to"), f"{where}.coverage_to", optional=True),
        plan_year_start=(month, day),
        crossover_to=str(d.get("crossover_to", "")),
        last_name=str(d.get("last_name", "")),
        first_name=str(d.get("first_name", "")),
        medicare_id=str(d.get("medicare_id") or ""),
    )


def _payer(payer_id: str, d: dict, where: str) -> PayerConfig:
    kind = d.get("kind", "commercial")
    if kind not in KINDS:
        raise ConfigError(f"{where}.kind: {kind!r} is not one of {', '.join(KINDS)}")
    pr = _obj(d.get("pricing", {}), f"{where}.pricing")
    drug_pct = pr.get("drug_percent_of_medicare")
    pricing = Pricing(
        percent_of_medicare=_dec(pr.get("percent_of_medicare", 100), f"{where}.pricing.percent_of_medicare"),
        drug_percent_of_medicare=None if drug_pct is None else _dec(drug_pct, f"{where}.pricing.drug_percent_of_medicare"),
        unlisted_percent_of_charge=_dec(pr.get("unlisted_percent_of_charge", 50),
                                        f"{where}.pricing.unlisted_percent_of_charge"),
    )  # fmt: skip
    rules = tuple(d.get("rules", ALL_RULES))
    unknown = [r for r in rules if r not in ALL_RULES]
    if unknown:
        raise ConfigError(f"{where}.rules: unknown rule(s) {', '.join(unknown)}; known: {', '.join(ALL_RULES)}")
    enrollments = None
    if d.get("enrollments") is not None:
        enrollments = tuple(
            Enrollment(str(_required(e, "npi", f"{where}.enrollments[{i}]")),
                       _date(_required(e, "from", f"{where}.enrollments[{i}]"), f"{where}.enrollments[{i}].from"),
                       _date(e.get("to"), f"{where}.enrollments[{i}].to", optional=True))
            for i, e in enumerate(_list(d["enrollments"], f"{where}.enrollments"))
        )  # fmt: skip
    auths = []
    for i, a in enumerate(_list(d.get("authorizations", []), f"{where}.authorizations")):
        w = f"{where}.authorizations[{i}]"
        units = {str(k): _dec(v, f"{w}.units.{k}") for k, v in _obj(_required(a, "units", w), f"{w}.units").items()}
        auths.append(Authorization(str(_required(a, "number", w)), str(_required(a, "member_id", w)),
                                   _date(_required(a, "from", w), f"{w}.from"), _date(_required(a, "to", w), f"{w}.to"),
                                   units))  # fmt: skip
    members = {}
    for i, m in enumerate(_list(d.get("members", []), f"{where}.members")):
        member = _member(_obj(m, f"{where}.members[{i}]"), f"{where}.members[{i}]")
        if member.member_id in members:
            raise ConfigError(f"{where}.members[{i}].member_id: {member.member_id} is listed twice")
        if member.medicare_id and any(m.medicare_id == member.medicare_id for m in members.values()):
            raise ConfigError(f"{where}.members[{i}].medicare_id: {member.medicare_id} is listed twice")
        members[member.member_id] = member
    codes = {}
    for rule, c in _obj(d.get("denial_codes", {}), f"{where}.denial_codes").items():
        w = f"{where}.denial_codes.{rule}"
        if rule not in ALL_RULES:
            raise ConfigError(f"{w}: no rule {rule!r}")
        codes[rule] = DenialCode(str(_required(c, "group", w)), str(_required(c, "carc", w)),
                                 tuple(str(x) for x in c.get("rarcs", [])))  # fmt: skip
    address = d.get("address")
    return PayerConfig(
        payer_id=payer_id,
        name=str(d.get("name", payer_id)),
        kind=kind,
        pricing=pricing,
        benefits=_benefits(_obj(d.get("benefits", {}), f"{where}.benefits"), f"{where}.benefits"),
        timely_filing_days=int(d.get("timely_filing_days", 365)),
        rules=rules,
        jw_jz_required=bool(d.get("jw_jz_required", False)),
        ndc_required=bool(d.get("ndc_required", False)),
        auth_required_codes=tuple(str(x) for x in d.get("auth_required_codes", [])),
        enrollments=enrollments,
        authorizations=tuple(auths),
        members=members,
        denial_codes=codes,
        filing_indicator_835=str(d.get("filing_indicator_835", FILING_835[kind])),
        originator_id=str(d.get("originator_id", "1999999999")),
        address=tuple(address) if address else PayerConfig.address,  # type: ignore[arg-type]
    )


def parse_config(data: dict, source: str = "sandbox config") -> SandboxConfig:
    """A :class:`SandboxConfig` from the decoded JSON; :class:`ConfigError` names the path at fault."""
    data = _obj(data, source)
    payers = {}
    for payer_id, d in _obj(_required(data, "payers", source), f"{source}.payers").items():
        payers[payer_id] = _payer(payer_id, _obj(d, f"{source}.payers.{payer_id}"), f"{source}.payers.{payer_id}")
    for payer in payers.values():
        for m in payer.members.values():
            if m.crossover_to and m.crossover_to not in payers:
                raise ConfigError(f"{source}.payers.{payer.payer_id}: member {m.member_id} crosses over to "
                                  f"{m.crossover_to}, which is not a configured payer")  # fmt: skip
    ch = _obj(data.get("clearinghouse", {}), f"{source}.clearinghouse")
    return SandboxConfig(payers, str(ch.get("name", SandboxConfig.clearinghouse_name)),
                         str(ch.get("id", SandboxConfig.clearinghouse_id)))  # fmt: skip


def load_config(path: Path) -> SandboxConfig:
    try:
        data = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise ConfigError(f"{path}: no sandbox configuration (write one; see docs/sandbox-payer.md)") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    return parse_config(data, str(path))
