"""Diagnosis sequencing and line pointers (ICD-10-CM guideline I.C.2.e.2, domain section 5.3).

Z51.11 / Z51.12 / Z51.0 go first when the encounter is chiefly for that therapy, the malignancy
right after; drug lines point to the malignancy (LCD edits look for it there); no Z51.1- code
when no antineoplastic was given.
"""

from __future__ import annotations

from functools import lru_cache

from oncobill.charges.records import CodedLine, LookupMemo
from oncobill.codes import CodeSets
from oncobill.errors import InvalidInput

Z_CHEMO, Z_IMMUNO, Z_RADIATION = "Z51.11", "Z51.12", "Z51.0"
_THERAPY_Z = {"chemotherapy": Z_CHEMO, "immunotherapy": Z_IMMUNO, "radiation": Z_RADIATION}
_ALL_Z = {"Z5111", "Z5112", "Z510"}
MAX_DIAGNOSES = 12  # 837P HI segment
MAX_POINTERS = 4  # SV107


def dotted(code: str) -> str:
    key = code.replace(".", "").strip().upper()
    return key if len(key) <= 3 else f"{key[:3]}.{key[3:]}"


@lru_cache(maxsize=4096)
def is_malignancy(code: str) -> bool:
    """C00-C96 (malignant, including secondary: C4A, C7A, C7B too) and D00-D09 (in situ)."""
    key = code.replace(".", "").upper()
    head, two = key[:1], key[1:3]
    if head == "C":
        return two in ("4A", "7A", "7B") or (two.isdigit() and int(two) <= 96)
    return head == "D" and two.isdigit() and int(two) <= 9


_Z, _MALIGNANCY, _OTHER = "z", "malignancy", "other"
_FORMS = LookupMemo()  # listed code -> (dotted code, kind), for codes that passed every check


def _checked(code, i: int, codes: CodeSets, where: str) -> tuple[str, str]:
    """(dotted code, kind) of one listed diagnosis, or an error naming it when it cannot be billed."""
    if not isinstance(code, str) or not code.strip():
        raise InvalidInput(f"{where}[{i}]", f"diagnosis must be an ICD-10-CM code, got {code!r}")
    d = dotted(code)
    if not codes.icd10_is_valid(d):
        raise InvalidInput(f"{where}[{i}]", f"{code!r} is not an ICD-10-CM code")
    if not codes.icd10_is_billable(d):
        raise InvalidInput(f"{where}[{i}]", f"{d} is a category, not billable: add the remaining characters")
    return d, _kind(d)


def _kind(d: str) -> str:
    """Therapy Z code, malignancy or other, for a dotted code (what pointers and order depend on)."""
    kind = _KINDS.get(d)
    if kind is None:
        kind = _Z if d.replace(".", "") in _ALL_Z else _MALIGNANCY if is_malignancy(d) else _OTHER
        if len(_KINDS) < 100_000:
            _KINDS[d] = kind
    return kind


_KINDS: dict[str, str] = {}  # a property of the code's text alone, whatever the code set


def sequence(diagnoses: tuple[str, ...], therapies: set[str], chief: str | None,
             codes: CodeSets, where: str = "diagnoses") -> tuple[list[str], list[str]]:
    """(diagnoses in claim order, notes). ``therapies`` given today; ``chief`` the one the visit is for."""
    notes: list[str] = []
    forms = _FORMS.table(codes)
    kinds: dict[str, str] = {}  # dotted code -> kind, first listing first (repeats dropped)
    for i, code in enumerate(diagnoses):
        form = forms.get(code) if type(code) is str else None
        if form is None:
            form = _checked(code, i, codes, where)
            if type(code) is str:
                forms[code] = form
        if form[0] not in kinds:
            kinds[form[0]] = form[1]
    given_z: list[str] = []
    malignancies: list[str] = []
    others: list[str] = []
    for d, kind in kinds.items():
        (given_z if kind is _Z else malignancies if kind is _MALIGNANCY else others).append(d)
    wanted_z = [_THERAPY_Z[t] for t in ("chemotherapy", "immunotherapy", "radiation") if t in therapies]
    for z in given_z:
        if z not in wanted_z:
            notes.append(f"{z} dropped: no {'radiation' if z == Z_RADIATION else 'antineoplastic'} therapy given")
    if wanted_z and not malignancies:
        raise InvalidInput(where, "antineoplastic therapy was given but no malignancy (C00-C96, D00-D09) is listed")
    lead = _THERAPY_Z.get(chief or "")
    if lead in wanted_z:
        ordered = [lead, *malignancies, *[z for z in wanted_z if z != lead], *others]
        notes.append(f"{lead} first: the encounter is chiefly for {chief}; the malignancy follows")
    else:
        ordered = [*malignancies, *wanted_z, *others]
    if len(ordered) > MAX_DIAGNOSES:
        raise InvalidInput(where, f"{len(ordered)} diagnoses; a professional claim holds {MAX_DIAGNOSES}")
    notes.extend(_excludes1_warnings(ordered, codes))
    return ordered, notes


_CONFLICTS = LookupMemo()  # diagnoses in claim order -> Excludes1 warnings among them


def _excludes1_warnings(ordered: list[str], codes: CodeSets) -> tuple[str, ...]:
    memo = _CONFLICTS.table(codes)
    key = tuple(ordered)
    warnings = memo.get(key)
    if warnings is None:
        found = []
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                note = codes.icd10_excludes1_conflict(a, b)
                if note:
                    found.append(f"WARNING {a} and {b} conflict (Excludes1: {note})")
        warnings = memo[key] = tuple(found)
    return warnings


def assign_pointers(lines: list[CodedLine], ordered: list[str]) -> None:
    """Administration and radiation lines point to the therapy Z code and the malignancy; drug
    lines to the malignancy (antineoplastics) or the malignancy and the supporting conditions."""
    idx = {d: i + 1 for i, d in enumerate(ordered)}
    z, malig, others = [], [], []
    for d in ordered:
        kind = _kind(d)
        (z if kind is _Z else malig if kind is _MALIGNANCY else others).append(idx[d])
    none = (1,) if ordered else ()
    # The three pointer lists a line can get, decided once for the encounter.
    antineoplastic_drug = malig or others or z
    other_drug = malig + others or others or z
    service = z[:1] + malig + others
    antineoplastic_drug = tuple(antineoplastic_drug[:MAX_POINTERS]) if antineoplastic_drug else none
    other_drug = tuple(other_drug[:MAX_POINTERS]) if other_drug else none
    service = tuple(service[:MAX_POINTERS]) if service else none
    for line in lines:
        if line.role == "drug":
            line.dx_pointers = antineoplastic_drug if line.antineoplastic else other_drug
        else:
            line.dx_pointers = service
