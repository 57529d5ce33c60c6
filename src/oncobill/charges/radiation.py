"""Radiation course coding (domain section 4): planning, simulation, devices, physics, delivery
per fraction, and the 5-fraction rules for 77427 / 77336 / 77431.

Delivery codes follow the tables in force on the date: CY2026 consolidated delivery into
77402/77407/77412 by complexity in every setting (the G6003-G6017 codes and 77385/77386 ended
2025-12-31); before 2026, Medicare PFS (office) used G-codes and OPPS used CPT.
"""

from __future__ import annotations

from datetime import date

from oncobill.charges.records import CodedLine, EncounterRecord, LookupMemo, RadiationCourse
from oncobill.codes import CodeSets
from oncobill.errors import InvalidInput

TECHNIQUES = ("conventional", "3d", "imrt", "electron", "sbrt", "srs")
LEVELS = ("simple", "intermediate", "complex")
_PLANNING = {"simple": "77261", "intermediate": "77262", "complex": "77263"}
_SIMULATION = {"simple": "77280", "intermediate": "77285", "complex": "77290"}
_DEVICES = {"simple": "77332", "intermediate": "77333", "complex": "77334"}
_ISODOSE = {"simple": "77306", "complex": "77307"}
_CPT_DELIVERY = {"simple": "77402", "intermediate": "77407", "complex": "77412"}
# Pre-2026 Medicare PFS conventional delivery: level -> G-codes by energy band (<=5, 6-10, 11-19, >=20 MeV).
_G_DELIVERY = {"simple": ("G6003", "G6004", "G6005", "G6006"), "intermediate": ("G6007", "G6008", "G6009", "G6010"),
               "complex": ("G6011", "G6012", "G6013", "G6014")}


def units_77427(fractions: int, course_complete: bool = True) -> int:
    """One unit per 5 fractions; at course end 3 or 4 left over count as one more, 1 or 2 as nothing."""
    full, left = divmod(fractions, 5)
    return full + (1 if course_complete and left in (3, 4) else 0)


def units_77336(fractions: int, remainder: str = "strict", course_complete: bool = True) -> int:
    """Physics per 5 fractions; the leftover convention is the payer's ("strict" or "three_or_four")."""
    if remainder == "three_or_four":
        return units_77427(fractions, course_complete)
    return fractions // 5


def explain_77427(fractions: int, course_complete: bool) -> str:
    full, left = divmod(fractions, 5)
    units = units_77427(fractions, course_complete)
    text = f"77427 x{units}: {fractions} fractions = {full} full block{'s' if full != 1 else ''} of 5"
    if left:
        if not course_complete:
            text += f" + {left} waiting for the next block (course still open)"
        elif left in (3, 4):
            text += f" + {left} left over, which counts as one more"
        else:
            text += f" + {left} left over, which counts as nothing (77431 is never used for leftovers)"
    return text


def _energy_band(mev) -> int:
    if mev is None:
        raise InvalidInput("radiation_course.energy_mev", "conventional delivery before 2026 under the Medicare "
                           "PFS needs the beam energy (MeV) to pick the G-code")
    return 0 if mev <= 5 else 1 if mev <= 10 else 2 if mev <= 19 else 3


_VALID = LookupMemo()  # (code, day) -> valid on that day


def _valid_on(codes: CodeSets, code: str, day: date | None, memo: dict | None = None) -> bool:
    """codes.hcpcs_is_valid, memoized per code set (a course asks the same few codes every fraction)."""
    memo = _VALID.table(codes) if memo is None else memo
    key = (code, day)
    valid = memo.get(key)
    if valid is None:
        valid = memo[key] = codes.hcpcs_is_valid(code, day)
    return valid


def delivery_code(course: RadiationCourse, enc: EncounterRecord, codes: CodeSets,
                  on: date | None = None) -> tuple[str, str]:
    """(code, why) for one fraction's delivery on its date (default: the encounter's date)."""
    dos = on or enc.date_of_service
    if course.technique == "sbrt":
        return "77373", "SBRT delivery, per fraction"
    if course.technique == "srs":
        return "77372", "SRS delivery (linac), per session"
    pfs = enc.setting == "office" and enc.payer.radiation_codes == "medicare_pfs"
    if pfs and _valid_on(codes, "G6015", dos):
        if course.technique == "imrt":
            return "G6015", "Medicare PFS (freestanding) IMRT delivery G-code, per session"
        band = _energy_band(course.energy_mev)
        return _G_DELIVERY[course.complexity][band], (f"Medicare PFS (freestanding) {course.complexity} delivery "
                                                      f"G-code at {course.energy_mev} MeV")
    if course.technique == "imrt" and _valid_on(codes, "77385", dos):
        code = "77385" if course.complexity == "simple" else "77386"
        return code, f"IMRT delivery ({'simple' if code == '77385' else 'complex'}), CPT for OPPS / this payer"
    code = _CPT_DELIVERY[course.complexity]
    return code, f"{course.complexity} delivery level ({course.technique}); CY2026 codes apply in every setting"


def code_course(enc: EncounterRecord, codes: CodeSets) -> list[CodedLine]:
    """Every line for one radiation course (or the part delivered so far)."""
    course = enc.radiation_course
    if course is None:
        return []
    where = "radiation_course"
    if course.technique not in TECHNIQUES:
        raise InvalidInput(f"{where}.technique", f"{course.technique!r} is not one of {', '.join(TECHNIQUES)}")
    if course.complexity not in LEVELS:
        raise InvalidInput(f"{where}.complexity", f"{course.complexity!r} is not one of {', '.join(LEVELS)}")
    if not isinstance(course.fractions, int) or course.fractions < 0:
        raise InvalidInput(f"{where}.fractions", f"fractions must be a whole number >= 0, got {course.fractions!r}")
    dos = enc.date_of_service
    lines: list[CodedLine] = []
    memo = _VALID.table(codes)

    def add(code: str, units: int, why: str, on: date | None = None) -> None:
        if units <= 0:
            return
        day = on or dos
        if not _valid_on(codes, code, day, memo):
            raise InvalidInput(where, f"{code} is not valid on {day}; load current code tables")
        # CodedLine fields in order: code, units, explanation, modifiers, dx_pointers, ndc,
        # ndc_quantity, ndc_unit, date_of_service, role.
        lines.append(CodedLine(code, units, why, (), (), None, None, None, day, "radiation"))

    n = course.fractions
    if course.planning:
        add(_PLANNING[_level(course.planning, f"{where}.planning")], 1,
            f"clinical treatment planning ({course.planning}), once per course")
    if course.simulation:
        add(_SIMULATION[_level(course.simulation, f"{where}.simulation")], 1, f"simulation ({course.simulation})")
    if course.respiratory_motion:
        add("77293", 1, "respiratory motion management with the simulation")
    if course.plan == "imrt":
        add("77301", 1, "IMRT plan, once per plan (77295 is bundled into it)")
        if course.mlc_device:
            add("77338", 1, "MLC device(s) for the IMRT plan")
    elif course.plan == "3d":
        add("77295", 1, "3-D plan with dose-volume histograms")
    elif course.plan is not None:
        raise InvalidInput(f"{where}.plan", f"plan must be '3d' or 'imrt', got {course.plan!r}")
    if course.isodose:
        if not isinstance(course.isodose, str) or course.isodose not in _ISODOSE:
            raise InvalidInput(f"{where}.isodose", "isodose must be 'simple' or 'complex'")
        add(_ISODOSE[course.isodose], 1, "teletherapy isodose plan (includes basic dosimetry: no 77300 with it)")
    if course.basic_dosimetry and not course.isodose:
        add("77300", course.basic_dosimetry, f"basic dosimetry calculations x{course.basic_dosimetry}")
    if course.special_port_plan:
        add("77321", 1, "special teletherapy port plan")
    if course.special_dosimetry:
        add("77331", course.special_dosimetry, "special dosimetry")
    for level, count in course.devices:
        add(_DEVICES[_level(level, f"{where}.devices")], count, f"treatment devices ({level}) x{count}")
    if course.special_physics:
        add("77370", 1, "special medical physics consultation")
    dates = course.fraction_dates
    if dates and len(dates) != n:
        raise InvalidInput(f"{where}.fraction_dates", f"{len(dates)} dates for {n} fractions; give one date per "
                           "fraction (a day with two sessions appears twice)")
    if dates and sorted(dates) != list(dates):
        raise InvalidInput(f"{where}.fraction_dates", "dates must be in treatment order")
    if n and not dates:
        code, why = delivery_code(course, enc, codes)
        add(code, n, f"{code} x{n}: delivery, one unit per fraction; {why}")
        if course.image_guidance:
            add("77387", n, f"77387 x{n}: image guidance, per fraction")
    elif n:
        # Delivery posts daily: one line per treatment day, a unit per fraction that day.
        per_day: dict[date, int] = {}
        for d in dates:
            per_day[d] = per_day.get(d, 0) + 1
        first = 1
        for day, count in per_day.items():
            code, why = delivery_code(course, enc, codes, day)
            span = f"fraction {first}" if count == 1 else f"fractions {first}-{first + count - 1}"
            add(code, count, f"{code} x{count}: delivery of {span} of {n}; {why}", day)
            if course.image_guidance:
                add("77387", count, f"77387 x{count}: image guidance for {span}", day)
            first += count
    management = _management_code(course, n)
    remainder = enc.payer.physics_remainder
    if dates and n:
        _block_lines(add, dates, course.course_complete, enc.payer.block_date, "77336",
                     remainder == "three_or_four", "continuing physics")
        if management == "77427":
            _block_lines(add, dates, course.course_complete, enc.payer.block_date, "77427", True,
                         "treatment management")
    else:
        physics = units_77336(n, remainder, course.course_complete)
        if physics:
            add("77336", physics, f"77336 x{physics}: continuing physics per 5 fractions ({n} fractions, "
                f"leftover convention '{remainder}')")
        if management == "77427":
            add("77427", units_77427(n, course.course_complete), explain_77427(n, course.course_complete))
    if management == "77435":
        add("77435", 1, "SBRT treatment management, once per course (no 77427 with it)")
    elif management == "77432":
        add("77432", 1, "SRS treatment management, once per course (no 77427 with it)")
    elif management == "77431":
        add("77431", 1, f"77431 x1: the whole course was {n} fraction{'s' if n == 2 else ''} "
            "(77431 is only for whole courses of 1 or 2)")
    return lines


def _management_code(course: RadiationCourse, n: int) -> str | None:
    if course.technique in ("sbrt", "srs"):
        return ("77435" if course.technique == "sbrt" else "77432") if course.course_complete and n else None
    if course.course_complete and n in (1, 2):
        return "77431"
    return "77427"


def _block_lines(add, dates, complete: bool, block_date: str, code: str, count_3_or_4: bool, what: str) -> None:
    """One line per completed 5-fraction block, dated by the payer's convention; at course end 3 or
    4 leftover fractions make one more block when the rule counts them."""
    n = len(dates)
    for b in range(n // 5):
        block = dates[5 * b: 5 * b + 5]
        add(code, 1, f"{code} x1: {what}, block {b + 1} (fractions {5 * b + 1}-{5 * b + 5})",
            block[0] if block_date == "first" else block[-1])
    left = n % 5
    if left and complete and count_3_or_4 and left in (3, 4):
        block = dates[n - left:]
        add(code, 1, f"{code} x1: {what}, fractions {n - left + 1}-{n}: {left} left over at course end count "
            "as one more", block[0] if block_date == "first" else block[-1])


def _level(value: str, where: str) -> str:
    if value not in LEVELS:
        raise InvalidInput(where, f"{value!r} is not one of {', '.join(LEVELS)}")
    return value
