"""Read the documented JSON form of an encounter (``oncobill code FILE.json``; docs/charge-capture.md)
into plain records, naming the field of every error."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from oncobill.charges.records import (
    NDC_UNITS,
    PURPOSES,
    ROUTES,
    SETTINGS,
    AdministrationRecord,
    EncounterRecord,
    PayerRules,
    RadiationCourse,
    Vial,
)
from oncobill.errors import InvalidInput

_PAYER_FIELDS = set(PayerRules.__dataclass_fields__)


def _req(obj: dict, key: str, where: str):
    if not isinstance(obj, dict):
        raise InvalidInput(where, f"expected an object, got {type(obj).__name__}")
    if key not in obj or obj[key] in (None, ""):
        raise InvalidInput(f"{where}.{key}" if where else key, "missing")
    return obj[key]


def _decimal(value, where: str) -> Decimal:
    if type(value) is int and value > 0:
        return Decimal(value)
    if isinstance(value, float):
        value = repr(value)  # JSON numbers arrive as float: keep the digits as written
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(where, f"not a number: {value!r}") from None
    if not d.is_finite() or d <= 0:
        raise InvalidInput(where, f"must be a positive number, got {value!r}")
    return d


def _date(value, where: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(where, f"not an ISO date (YYYY-MM-DD): {value!r}") from None


def _moment(value, dos: date, where: str) -> datetime:
    text = str(value)
    if len(text) == 5 and text[2] == ":" and text[:2].isdigit() and text[3:].isdigit():
        hour, minute = int(text[:2]), int(text[3:])
        if hour < 24 and minute < 60:
            return datetime(dos.year, dos.month, dos.day, hour, minute)
    try:
        # An offset ("Z", "+02:00") is dropped, as on a full datetime: the clock time is what counts.
        if "T" in text or " " in text or len(text) > 8:
            return datetime.fromisoformat(text).replace(tzinfo=None)
        return datetime.combine(dos, time.fromisoformat(text)).replace(tzinfo=None)
    except ValueError:
        raise InvalidInput(where, f"not an ISO datetime or HH:MM time: {value!r}") from None


# Every valid "HH:MM" (00:00-23:59), the form nurses' records nearly always use: one dict hit
# instead of slicing and int() per time; anything else goes through _moment.
_HHMM = {f"{h:02d}:{m:02d}": time(h, m) for h in range(24) for m in range(60)}


def _choice(value, allowed, where: str) -> str:
    if value not in allowed:
        raise InvalidInput(where, f"{value!r} is not one of: {', '.join(allowed)}")
    return value


def _vials(raw, where: str) -> tuple[Vial, ...] | None:
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise InvalidInput(where, "expected a list of {size, unit, count, single_dose}")
    out = []
    for i, v in enumerate(raw):
        w = f"{where}[{i}]"
        count = v.get("count", 1) if isinstance(v, dict) else None
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise InvalidInput(f"{w}.count", f"must be a whole number >= 1, got {count!r}")
        single = v.get("single_dose", True)
        if not isinstance(single, bool):
            raise InvalidInput(f"{w}.single_dose", "must be true or false")
        vol = v.get("volume_ml")
        out.append(Vial(_decimal(_req(v, "size", w), f"{w}.size"), str(_req(v, "unit", w)), count, single,
                        _decimal(vol, f"{w}.volume_ml") if vol is not None else None))
    return tuple(out)


_REQUIRED_ADM = ("drug", "dose", "dose_unit", "route", "start", "purpose")
_KNOWN_ADM = frozenset(_REQUIRED_ADM + ("stop", "site", "hcpcs", "ndc", "vials_opened", "vial_sizes", "second_access",
                                        "acquired_340b", "billing_units"))
_KNOWN_TOP = frozenset(("setting", "date_of_service", "payer", "primary_reason", "diagnoses", "administrations",
                        "radiation_course"))
_ROUTES, _PURPOSES = frozenset(ROUTES), frozenset(PURPOSES)


_ONE_DAY = timedelta(days=1)
_combine = datetime.combine
# Locations of the first administrations, built once rather than formatted per row.
_ADM_WHERE = tuple(f"administrations[{i}]" for i in range(64))


def administration_from_json(raw: dict, dos: date, where: str) -> AdministrationRecord:
    """One administration row. The checks run in a fixed order (missing, unknown, route, purpose,
    start, stop, billing_units, dose, containers) so the error reported for a row is stable."""
    if not isinstance(raw, dict):
        raise InvalidInput(where, f"expected an object, got {type(raw).__name__}")
    get = raw.get
    required = (get("drug"), get("dose"), get("dose_unit"), get("route"), get("start"), get("purpose"))
    if None in required or "" in required:
        for key in _REQUIRED_ADM:
            if get(key) in (None, ""):
                raise InvalidInput(f"{where}.{key}", "missing")
    if not _KNOWN_ADM.issuperset(raw):
        unknown = ", ".join(sorted(set(raw) - _KNOWN_ADM))
        raise InvalidInput(where, f"unknown field(s): {unknown}")
    drug, dose, dose_unit, route, raw_start, purpose = required
    if type(route) is not str or route not in _ROUTES:  # a list or object is named, not a crash
        _choice(route, ROUTES, f"{where}.route")
    if type(purpose) is not str or purpose not in _PURPOSES:
        _choice(purpose, PURPOSES, f"{where}.purpose")
    clock = _HHMM.get(raw_start) if type(raw_start) is str else None
    start = _combine(dos, clock) if clock is not None else _moment(raw_start, dos, f"{where}.start")
    stop = None
    extra = len(raw) - 6  # fields beyond the six required ones (all six are present by now)
    raw_stop = get("stop") if extra else None
    if raw_stop not in (None, ""):
        clock = _HHMM.get(raw_stop) if type(raw_stop) is str else None
        stop = _combine(dos, clock) if clock is not None else _moment(raw_stop, dos, f"{where}.stop")
        if stop < start:
            if "T" in str(raw_stop):
                raise InvalidInput(f"{where}.stop", "stop is before start")
            stop += _ONE_DAY  # HH:MM past midnight: the same encounter, next calendar day
    if extra == 0 or (extra == 1 and "stop" in raw):
        # Nothing optional was recorded: the record takes the defaults (fields in order, as below).
        return AdministrationRecord(
            str(drug).strip(),
            Decimal(dose) if type(dose) is int and dose > 0 else _decimal(dose, f"{where}.dose"),
            str(dose_unit), route, start, stop, purpose, None, None, None, None, None, False, False, None, where)
    hcpcs = get("hcpcs")
    if hcpcs and not isinstance(hcpcs, str):
        raise InvalidInput(f"{where}.hcpcs", f"must be a HCPCS code such as 'J9271', got {hcpcs!r}")
    billing_units = get("billing_units")
    if billing_units is not None and (type(billing_units) is not int or billing_units < 1):
        raise InvalidInput(f"{where}.billing_units", f"must be a whole number >= 1, got {billing_units!r}")
    opened, shelf = get("vials_opened"), get("vial_sizes")
    # Positional, in AdministrationRecord's field order (drug, dose, dose_unit, route, start, stop,
    # purpose, site, hcpcs, ndc, vials_opened, vial_sizes, second_access, acquired_340b,
    # billing_units, where): sixteen keywords cost more than the checks above.
    return AdministrationRecord(
        str(drug).strip(),
        Decimal(dose) if type(dose) is int and dose > 0 else _decimal(dose, f"{where}.dose"),
        str(dose_unit),
        route,
        start,
        stop,
        purpose,
        get("site"),
        hcpcs,
        get("ndc"),
        None if opened is None else _vials(opened, f"{where}.vials_opened"),
        None if shelf is None else _vials(shelf, f"{where}.vial_sizes"),
        bool(get("second_access", False)),
        bool(get("acquired_340b", False)),
        billing_units,
        where,
    )


_DEFAULT_PAYER = PayerRules()


def payer_from_json(raw) -> PayerRules:
    if raw is None:
        return _DEFAULT_PAYER
    if isinstance(raw, str):
        return PayerRules(name=raw)
    if not isinstance(raw, dict):
        raise InvalidInput("payer", "expected a payer name or an object of payer rules")
    unknown = set(raw) - _PAYER_FIELDS
    if unknown:
        raise InvalidInput("payer", f"unknown payer rule(s): {', '.join(sorted(unknown))}")
    if "ndc_unit" in raw:
        _choice(raw["ndc_unit"], NDC_UNITS, "payer.ndc_unit")
    if "radiation_codes" in raw:
        _choice(raw["radiation_codes"], ("medicare_pfs", "cpt"), "payer.radiation_codes")
    if "physics_remainder" in raw:
        _choice(raw["physics_remainder"], ("strict", "three_or_four"), "payer.physics_remainder")
    if "block_date" in raw:
        _choice(raw["block_date"], ("first", "last"), "payer.block_date")
    if "line_dates" in raw:
        _choice(raw["line_dates"], ("encounter", "furnished"), "payer.line_dates")
    return PayerRules(**raw)


_COURSE_FIELDS = frozenset(RadiationCourse.__dataclass_fields__)


def course_from_json(raw: dict, where: str = "radiation_course") -> RadiationCourse:
    fractions = _req(raw, "fractions", where)
    if not isinstance(fractions, int) or isinstance(fractions, bool) or fractions < 0:
        raise InvalidInput(f"{where}.fractions", f"must be a whole number >= 0, got {fractions!r}")
    devices = raw.get("devices") or {}
    if not isinstance(devices, dict):
        raise InvalidInput(f"{where}.devices", "expected an object like {\"complex\": 2}")
    energy = raw.get("energy_mev")
    unknown = set(raw) - _COURSE_FIELDS
    if unknown:
        raise InvalidInput(where, f"unknown field(s): {', '.join(sorted(unknown))}")
    return RadiationCourse(
        technique=str(_req(raw, "technique", where)),
        fractions=fractions,
        complexity=raw.get("complexity", "intermediate"),
        course_complete=bool(raw.get("course_complete", True)),
        planning=raw.get("planning"),
        simulation=raw.get("simulation"),
        respiratory_motion=bool(raw.get("respiratory_motion", False)),
        plan=raw.get("plan"),
        basic_dosimetry=_whole(raw.get("basic_dosimetry", 0), f"{where}.basic_dosimetry"),
        isodose=raw.get("isodose"),
        special_port_plan=bool(raw.get("special_port_plan", False)),
        special_dosimetry=_whole(raw.get("special_dosimetry", 0), f"{where}.special_dosimetry"),
        devices=tuple((k, _whole(v, f"{where}.devices.{k}")) for k, v in devices.items()),
        mlc_device=bool(raw.get("mlc_device", False)),
        special_physics=bool(raw.get("special_physics", False)),
        image_guidance=bool(raw.get("image_guidance", False)),
        energy_mev=_decimal(energy, f"{where}.energy_mev") if energy is not None else None,
        fraction_dates=tuple(_date(d, f"{where}.fraction_dates[{i}]")
                             for i, d in enumerate(_iterable(raw.get("fraction_dates") or (),
                                                             f"{where}.fraction_dates"))),
    )


def _whole(value, where: str) -> int:
    """A count as int() reads it ("2" and 2 alike); anything int() cannot read is named, not a crash."""
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        raise InvalidInput(where, f"must be a whole number, got {value!r}") from None


def _iterable(value, where: str):
    if not hasattr(value, "__iter__"):
        raise InvalidInput(where, f"expected a list of ISO dates, got {value!r}")
    return value


def encounter_from_json(raw: dict) -> EncounterRecord:
    """The encounter described by one JSON object (see docs/charge-capture.md)."""
    if not isinstance(raw, dict):
        raise InvalidInput("encounter", "expected a JSON object")
    if not _KNOWN_TOP.issuperset(raw):
        raise InvalidInput("encounter", f"unknown field(s): {', '.join(sorted(set(raw) - _KNOWN_TOP))}")
    setting = raw.get("setting")
    if setting not in SETTINGS:
        setting = _choice(_req(raw, "setting", ""), SETTINGS, "setting")
    dos = _date(_req(raw, "date_of_service", ""), "date_of_service")
    diagnoses = raw.get("diagnoses")
    if not isinstance(diagnoses, list) or not diagnoses:
        raise InvalidInput("diagnoses", "missing: give at least one ICD-10-CM code")
    adms = raw.get("administrations") or []
    if not isinstance(adms, list):
        raise InvalidInput("administrations", "expected a list")
    records = []
    for i, adm in enumerate(adms):
        records.append(administration_from_json(adm, dos, _ADM_WHERE[i] if i < 64 else f"administrations[{i}]"))
    reason = raw.get("primary_reason")
    if reason and not isinstance(reason, str):
        raise InvalidInput("primary_reason", f"must be text (a kind of therapy or a drug name), got {reason!r}")
    course = raw.get("radiation_course")
    payer = raw.get("payer")
    # EncounterRecord's fields in order: setting, date_of_service, diagnoses, administrations,
    # primary_reason, payer, radiation_course.
    return EncounterRecord(
        setting,
        dos,
        tuple(diagnoses),
        tuple(records),
        reason,
        _DEFAULT_PAYER if payer is None else payer_from_json(payer),
        course_from_json(course) if course is not None else None,
    )
