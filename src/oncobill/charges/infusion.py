"""Drug administration coding (CPT 96360-96549) from the medication administration record.

Domain reference section 2: push vs infusion (15 minutes or less is a push), one initial service
per encounter (office: the primary reason; facility: the hierarchy), sequential / concurrent /
additional-hour add-ons, hydration only from minute 31 and never while a drug runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from operator import attrgetter

from oncobill.charges.records import AdministrationRecord, CodedLine, EncounterRecord
from oncobill.errors import InvalidInput

# Leucovorin modulates 5-FU: its administration is coded with non-chemo codes whatever the order says.
MODULATORS = ("leucovorin", "levoleucovorin")

# Hormonal antineoplastics given SC/IM are 96402 even when recorded as "chemotherapy" (domain 2.1).
HORMONAL_ANTINEOPLASTICS = ("fulvestrant", "leuprolide", "goserelin", "degarelix", "triptorelin", "histrelin")

# Facility hierarchy (domain 2.3); SC/IM injections are coded alongside, never as the IV initial.
_RANK = {("chemo", "infusion"): 1, ("chemo", "push"): 2, ("ther", "infusion"): 4, ("ther", "push"): 5,
         ("hydration", "infusion"): 7}

_INITIAL = {("chemo", "infusion"): "96413", ("chemo", "push"): "96409", ("ther", "infusion"): "96365",
            ("ther", "push"): "96374", ("hydration", "infusion"): "96360"}
_PREFIX = re.compile(r"^\S+ x\d+: ")
_ADDED_HOUR = {"chemo": "96415", "ther": "96366", "hydration": "96361"}


@dataclass(slots=True)
class _Event:
    adm: AdministrationRecord
    family: str  # chemo | ther | hydration
    kind: str  # infusion | push | injection | pump | none
    start: datetime
    stop: datetime
    minutes: int
    note: str = ""
    rank: int | None = None  # place in the facility hierarchy (None: never the initial IV service)
    clock: str = ""  # start as HH:MM, for explanations


_CLOCK = tuple(f"{h:02d}:{m:02d}" for h in range(24) for m in range(60))  # minute of the day -> "HH:MM"
_by_start = attrgetter("start")


def family_of(adm: AdministrationRecord) -> tuple[str, str]:
    """(chemo|ther|hydration, why) for one administration."""
    name = adm.drug.lower()
    if adm.purpose == "hydration":
        return "hydration", ""
    if name.startswith(MODULATORS):
        why = " (leucovorin is a modulating agent, coded as a non-chemo drug)" if adm.purpose != "therapeutic" else ""
        return "ther", why
    if adm.purpose in ("chemotherapy", "immunotherapy", "hormonal"):
        return "chemo", ""
    return "ther", ""


def classify(adm: AdministrationRecord) -> _Event:
    family, why = family_of(adm)
    start = adm.start
    stop = adm.stop or start
    minutes = adm.minutes
    route = adm.route
    if route == "sc" or route == "im":
        kind = "injection"
    elif route == "iv_push":
        kind = "push"
    elif route == "iv_infusion":
        if adm.stop is None:
            raise InvalidInput(f"{adm.where}.stop", "an IV infusion needs a stop time to be coded")
        if minutes <= 15:
            kind = "push"
            why += f" ({minutes}-minute infusion counts as a push)"
        else:
            kind = "infusion"
    elif route == "iv_pump":
        kind = "pump"
    else:
        kind = "none"
    # _Event fields in order: adm, family, kind, start, stop, minutes, note, rank, clock.
    return _Event(adm, family, kind, start, stop, minutes, why, _RANK.get((family, kind)),
                  _CLOCK[start.hour * 60 + start.minute])


def added_hours(minutes: int) -> int:
    """Additional-hour units: none up to 90 minutes, then one from minute 91, 151, 211..."""
    return 0 if minutes <= 90 else -(-(minutes - 90) // 60)


def secondary_hydration_units(minutes: int) -> int:
    """96361 after another initial service: 31-90 min -> 1, 91-150 -> 2, 151-210 -> 3."""
    return 0 if minutes < 31 else 1 + added_hours(minutes)


def _overlap(a0: datetime, a1: datetime, b0: datetime, b1: datetime) -> int:
    return max(0, int((min(a1, b1) - max(a0, b0)).total_seconds() // 60))


def _hydration_minutes(ev: _Event, drug_infusions: list[_Event]) -> int:
    """Minutes of this hydration during which no drug infusion ran (concurrent fluid is not hydration)."""
    busy = sorted((d.start, d.stop) for d in drug_infusions if _overlap(ev.start, ev.stop, d.start, d.stop))
    free, cursor = 0, ev.start
    for s, e in busy:
        s, e = max(s, ev.start), min(e, ev.stop)
        if s > cursor:
            free += int((s - cursor).total_seconds() // 60)
        cursor = max(cursor, e)
    if ev.stop > cursor:
        free += int((ev.stop - cursor).total_seconds() // 60)
    return free


class _Lines:
    """Collects lines, merging the same code + modifiers + date into one line with summed units."""

    def __init__(self, dos: date, furnished: bool):
        self.dos, self.furnished = dos, furnished
        self.lines: list[CodedLine] = []
        self._index: dict[tuple, CodedLine] = {}

    def add(self, code: str, units: int, why: str, modifiers: tuple[str, ...] = (), on: date | None = None,
            antineoplastic: bool = False) -> None:
        if units <= 0:
            return
        day = on if (on and self.furnished) else self.dos
        key = (code, modifiers, day)
        line = self._index.get(key)
        if line is None:
            # CodedLine fields in order: code, units, explanation, modifiers, dx_pointers, ndc,
            # ndc_quantity, ndc_unit, date_of_service, role, antineoplastic (positional: fewer steps).
            line = CodedLine(code, units, why, modifiers, (), None, None, None, day, "admin", antineoplastic)
            self._index[key] = line
            self.lines.append(line)
        else:
            line.units += units
            rest = _PREFIX.sub("", line.explanation)
            line.explanation = f"{code} x{line.units}: {rest}; {_PREFIX.sub('', why)}"
            line.antineoplastic = line.antineoplastic or antineoplastic

    def add_hours(self, code: str, start: datetime, minutes: int, why: str, antineoplastic=False) -> None:
        """Additional-hour units, each dated the day its hour began when the payer wants that."""
        n = added_hours(minutes)
        if n == 0:
            return
        if not self.furnished:
            self.add(code, n, why, antineoplastic=antineoplastic)
            return
        for k in range(n):
            day = (start + timedelta(minutes=90 + 60 * k)).date()
            self.add(code, 1, why, on=day, antineoplastic=antineoplastic)


def _hhmm(t: datetime) -> str:
    return _CLOCK[t.hour * 60 + t.minute]


# Office: the primary reason names the family of the initial service.
_REASON_FAMILY = {"chemotherapy": "chemo", "immunotherapy": "chemo", "hormonal": "chemo", "therapeutic": "ther",
                  "supportive": "ther", "hydration": "hydration"}
_by_rank = attrgetter("rank", "start")


def _pick_initial(events: list[_Event], enc: EncounterRecord) -> tuple[_Event | None, str]:
    """The initial service: the highest in the hierarchy, earliest first (office: among those the
    primary reason names, when any). min() keeps the first of equals, as a stable sort would."""
    iv = [e for e in events if e.rank is not None]
    if not iv:
        return None, ""
    if enc.setting == "facility":
        return min(iv, key=_by_rank), "facility hierarchy (chemo > therapeutic > hydration; infusion > push)"
    reason = (enc.primary_reason or "").lower()
    wanted = _REASON_FAMILY.get(reason)
    if wanted:
        matches = [e for e in iv if e.family == wanted]
    else:
        matches = [e for e in iv if e.adm.drug.lower() == reason]
    if matches:
        return min(matches, key=_by_rank), f"office: primary reason for the encounter is {enc.primary_reason}"
    return min(iv, key=_by_rank), (f"office: primary reason {enc.primary_reason!r} matches no IV service, "
                                   "so the hierarchy chose")


def code_administrations(enc: EncounterRecord, events: list[_Event] | None = None) -> list[CodedLine]:
    """The administration lines (96xxx) for one encounter, each with its reason (``events``: its
    administrations already classified, in record order, when the caller has them)."""
    events = [classify(a) for a in enc.administrations] if events is None else list(events)
    events.sort(key=_by_start)
    out = _Lines(enc.date_of_service, enc.payer.line_dates == "furnished")
    drug_infusions: list[_Event] = []
    hydrations: list[_Event] = []
    any_hydration = False
    for e in events:
        if e.family == "hydration":
            any_hydration = True
            if e.kind == "infusion":
                hydrations.append(e)
        elif e.kind == "infusion":
            drug_infusions.append(e)
    hyd_minutes = {id(h): _hydration_minutes(h, drug_infusions) for h in hydrations} if hydrations else {}
    # Hydration shorter than 31 reportable minutes cannot be the initial service.
    if not any_hydration:
        candidates = events
    elif enc.payer.combine_split_hydration:
        total_hyd = sum(hyd_minutes.values())
        candidates = [e for e in events if e.family != "hydration" or total_hyd >= 31]
    else:
        candidates = [e for e in events if e.family != "hydration" or hyd_minutes.get(id(e), 0) >= 31]
    initial, why_initial = _pick_initial(candidates, enc)
    iv_present = initial is not None
    pushed: dict[str, datetime] = {}
    chemo_drugs: set[str] = set()
    concurrent_used = False
    hydration_done = False

    def emit_initial(ev: _Event, modifiers: tuple[str, ...], why: str) -> None:
        nonlocal hydration_done
        code = _INITIAL[(ev.family, ev.kind)]
        chemo = ev.family == "chemo"
        drug = ev.adm.drug
        if ev.family == "hydration":
            hydration_done = True
            group = hydrations if enc.payer.combine_split_hydration else [ev]
            minutes = sum(hyd_minutes[id(h)] for h in group)
            out.add(code, 1, f"{code} x1: hydration {minutes} min counted (31-90 min is the first hour); {why}",
                    modifiers)
            extra = added_hours(minutes)
            if extra:
                out.add_hours("96361", group[0].start, minutes,
                              f"96361 x{extra}: hydration {minutes} min, added hours start at minute 91")
            if not enc.payer.combine_split_hydration:
                for other in hydrations:
                    if other is not ev:
                        _secondary_hydration(other, [other])
            return
        if ev.kind == "infusion":
            out.add(code, 1, f"{code} x1: {drug} {ev.clock}-{_hhmm(ev.stop)} ({ev.minutes} min) is the "
                    f"initial service: {why}{ev.note}", modifiers, antineoplastic=chemo)
            hours = added_hours(ev.minutes)
            if hours:
                add = _ADDED_HOUR[ev.family]
                out.add_hours(add, ev.start, ev.minutes,
                              f"{add} x{hours}: {drug} ran {ev.minutes} min; added hours begin at minute 91 "
                              f"(units at 91, 151, 211...)", antineoplastic=chemo)
        else:
            out.add(code, 1, f"{code} x1: {drug} push at {ev.clock} is the initial service: {why}{ev.note}",
                    modifiers, antineoplastic=chemo)
            pushed[drug.lower()] = ev.start
        if chemo:
            chemo_drugs.add(drug.lower())

    def _secondary_hydration(ev: _Event, group: list[_Event]) -> None:
        minutes = sum(hyd_minutes[id(h)] for h in group)
        units = secondary_hydration_units(minutes)
        spans = ", ".join(f"{h.clock}-{_hhmm(h.stop)}" for h in group)
        if units == 0:
            return
        out.add("96361", units, f"96361 x{units}: hydration {spans} gives {minutes} min not overlapping a drug "
                "infusion, after another initial service (first unit needs 31 min)")

    if initial is not None:
        emit_initial(initial, (), why_initial)
    initial_site = initial.adm.site if initial else None

    for ev in events:
        if ev is initial:
            continue
        adm, drug = ev.adm, ev.adm.drug
        chemo = ev.family == "chemo"
        if ev.kind in ("infusion", "push") and ev.family != "hydration" and adm.second_access \
                and adm.site and adm.site != initial_site:
            mod = enc.payer.second_site_modifier
            emit_initial(ev, (mod,), f"second initial service: a separate access site ({adm.site}) is "
                         f"documented, so it carries {mod}")
            continue
        if ev.kind == "infusion" and ev.family == "hydration":
            if hydration_done:
                continue
            if enc.payer.combine_split_hydration:
                hydration_done = True
                _secondary_hydration(ev, hydrations)
            else:
                _secondary_hydration(ev, [ev])
            continue
        if ev.kind == "infusion":
            if chemo:
                out.add("96417", 1, f"96417 x1: {drug} {ev.clock}-{_hhmm(ev.stop)} ({ev.minutes} min), "
                        "sequential infusion of a new chemo drug", antineoplastic=True)
                hours = added_hours(ev.minutes)
                if hours:
                    out.add_hours("96415", ev.start, ev.minutes, f"96415 x{hours}: {drug} ran {ev.minutes} min "
                                  "(added hours from minute 91)", antineoplastic=True)
                chemo_drugs.add(drug.lower())
                continue
            overlapping = [o for o in drug_infusions if o is not ev and _overlap(ev.start, ev.stop, o.start, o.stop)]
            if overlapping:
                if concurrent_used:
                    continue
                concurrent_used = True
                out.add("96368", 1, f"96368 x1: {drug} ran at the same time as {overlapping[0].adm.drug}{ev.note}; "
                        "concurrent infusion is reported once per encounter")
            else:
                out.add("96367", 1, f"96367 x1: {drug} {ev.clock}-{_hhmm(ev.stop)} ({ev.minutes} min), "
                        f"sequential infusion of a new non-chemo drug{ev.note}")
                hours = added_hours(ev.minutes)
                if hours:
                    out.add_hours("96366", ev.start, ev.minutes, f"96366 x{hours}: {drug} ran {ev.minutes} min")
            continue
        if ev.kind == "push":
            if chemo:
                if drug.lower() in chemo_drugs:
                    continue
                chemo_drugs.add(drug.lower())
                out.add("96411", 1, f"96411 x1: {drug} push at {ev.clock}, each additional chemo drug",
                        antineoplastic=True)
                continue
            key = drug.lower()
            if key in pushed:
                gap = int((ev.start - pushed[key]).total_seconds() // 60)
                if enc.setting == "facility" and gap >= 30:
                    out.add("96376", 1, f"96376 x1: {drug} pushed again {gap} min after the last push "
                            "(same drug, facility only, 30 min apart)")
                pushed[key] = ev.start
                continue
            pushed[key] = ev.start
            out.add("96375", 1, f"96375 x1: {drug} push at {ev.clock}, sequential push of a new "
                    f"drug{ev.note}")
            continue
        if ev.kind == "injection":
            mods = (enc.payer.injection_with_iv_modifier,) if (iv_present and enc.payer.injection_with_iv_modifier) \
                else ()
            if chemo:
                hormonal = adm.purpose == "hormonal" or adm.drug.lower().startswith(HORMONAL_ANTINEOPLASTICS)
                code = "96402" if hormonal else "96401"
                what = "hormonal" if code == "96402" else "non-hormonal"
                out.add(code, 1, f"{code} x1: {drug} {adm.route.upper()} injection, {what} antineoplastic",
                        mods, antineoplastic=True)
            else:
                out.add("96372", 1, f"96372 x1: {drug} {adm.route.upper()} injection, non-chemo", mods)
            continue
        if ev.kind == "pump":
            if chemo:
                out.add("96416", 1, f"96416 x1: portable pump started for {drug}, a prolonged chemo infusion "
                        "over 8 hours", antineoplastic=True)
            else:
                raise InvalidInput(f"{adm.where}.route", "iv_pump is coded only for chemotherapy (96416)")
            continue
    return out.lines
