"""Code one encounter or one radiation course: administration, drug and radiation lines, then
diagnoses in claim order and each line's pointers."""

from __future__ import annotations

from oncobill.charges.diagnoses import assign_pointers, sequence
from oncobill.charges.drugs import code_drugs
from oncobill.charges.infusion import classify, code_administrations, family_of
from oncobill.charges.radiation import code_course
from oncobill.charges.records import CodingResult, EncounterRecord, LookupMemo
from oncobill.codes import CodeSets, default_code_sets
from oncobill.errors import InvalidInput


def therapies_given(enc: EncounterRecord) -> set[str]:
    """Antineoplastic therapy types actually given (leucovorin is not one)."""
    given: set[str] = set()
    for adm in enc.administrations:
        family, _ = family_of(adm)
        if family == "chemo":
            given.add("immunotherapy" if adm.purpose == "immunotherapy" else "chemotherapy")
    if enc.radiation_course is not None and enc.radiation_course.fractions > 0:
        given.add("radiation")
    return given


def _therapies(enc: EncounterRecord, events) -> set[str]:
    """therapies_given, from the administrations already classified for coding."""
    given: set[str] = set()
    for ev in events:
        if ev.family == "chemo":
            given.add("immunotherapy" if ev.adm.purpose == "immunotherapy" else "chemotherapy")
    if enc.radiation_course is not None and enc.radiation_course.fractions > 0:
        given.add("radiation")
    return given


def _chief(enc: EncounterRecord, given: set[str]) -> str | None:
    reason = (enc.primary_reason or "").lower()
    if reason == "hormonal":
        reason = "chemotherapy"
    if reason in ("chemotherapy", "immunotherapy"):
        # The visit is for antineoplastic therapy: lead with the kind actually given.
        other = "immunotherapy" if reason == "chemotherapy" else "chemotherapy"
        return other if reason not in given and other in given else reason
    if reason == "radiation":
        return reason
    for adm in enc.administrations:  # a drug name as the primary reason
        if adm.drug.lower() == reason and family_of(adm)[0] == "chemo":
            return "immunotherapy" if adm.purpose == "immunotherapy" else "chemotherapy"
    if enc.radiation_course is not None and not enc.administrations:
        return "radiation"
    return None


def code_encounter(enc: EncounterRecord, codes: CodeSets | None = None) -> CodingResult:
    """All charge lines for one encounter, each explained, with diagnoses in claim order."""
    codes = default_code_sets() if codes is None else codes
    if enc.setting not in ("office", "facility"):
        raise InvalidInput("setting", f"{enc.setting!r} is not 'office' or 'facility'")
    if not enc.administrations and enc.radiation_course is None:
        raise InvalidInput("encounter", "nothing to code: give administrations or a radiation_course")
    events = [classify(adm) for adm in enc.administrations]  # once, for the 96xxx lines and the Z codes
    lines = code_administrations(enc, events) + code_drugs(enc, codes) + code_course(enc, codes)
    given = _therapies(enc, events)
    diagnoses, notes = sequence(enc.diagnoses, given, _chief(enc, given), codes)
    assign_pointers(lines, diagnoses)
    notes.extend(ncci_notes(lines, enc, codes))
    for line in lines:
        if len(line.explanation) > MAX_EXPLANATION:
            line.explanation = line.explanation[: MAX_EXPLANATION - 3] + "..."
    return CodingResult(diagnoses, lines, notes)


# A charge line stores its explanation in 500 characters (charges/models.py).
MAX_EXPLANATION = 500


_BYPASS = {"59", "XE", "XS", "XP", "XU"}


_PAIRS = LookupMemo()  # (table, day, codes) -> NCCI PTP edits among them


def ncci_notes(lines, enc: EncounterRecord, codes: CodeSets) -> list[str]:
    """NCCI PTP pairs among the administration lines of one day that no modifier bypasses (the
    scrubber applies the full edits; this warns the coder at the point of coding)."""
    admin = [line for line in lines if line.role == "admin"]
    if len(admin) < 2:
        return []
    table = "hospital" if enc.setting == "facility" else "practitioner"
    by_day: dict = {}
    for line in admin:
        by_day.setdefault(line.date_of_service, []).append(line)
    memo = _PAIRS.table(codes)
    out = []
    for day, day_lines in by_day.items():
        key = (table, day, tuple([line.code for line in day_lines]))
        edits = memo.get(key)
        if edits is None:
            edits = memo[key] = tuple(codes.ncci_pairs_among(list(key[2]), day, table))
        for edit in edits:
            bypassed = any(_BYPASS & set(line.modifiers) for line in day_lines if line.code == edit.column2)
            if bypassed or edit.modifier_indicator == 9:
                continue
            if edit.modifier_indicator == 0:
                out.append(f"WARNING NCCI: {edit.column2} is not payable with {edit.column1} on the same day "
                           "(modifier indicator 0, no modifier bypasses it)")
            else:
                out.append(f"NCCI: {edit.column2} is column 2 to {edit.column1} (modifier indicator 1): it is "
                           "denied unless a distinct-service modifier (XU/59) applies and is documented")
    return out
