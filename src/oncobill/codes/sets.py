"""The :class:`CodeSets` object: every code-set look-up, answered as of a date of service.

Bundled defaults (``codes/data/``, derived from the project's reference tables) are the base;
versions imported with ``oncobill refdata import`` (see :mod:`oncobill.codes.store`) are laid
over them by effective date.
"""

from __future__ import annotations

import gzip
import json
import threading
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from oncobill.codes import store
from oncobill.fileio import write_atomic

DATA_DIR = Path(__file__).parent / "data"

SETTINGS = ("practitioner", "facility")


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _dec(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def _on(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


@dataclass(frozen=True, slots=True)
class HcpcsCode:
    """A HCPCS Level II code or CPT number with its validity and billing unit.

    ``valid_from`` None means "on or before the oldest table we hold"; ``valid_to`` None means open.
    ``billing_unit`` is the descriptor quantity one unit stands for ("0.5 MG", "1000 ML"), None for
    services. ``name`` is the CMS short descriptor for Level II and our own short name for CPT.
    """

    code: str
    name: str
    valid_from: date | None
    valid_to: date | None
    billing_unit: str | None
    opps_status: str | None

    def valid_on(self, on: date | None) -> bool:
        if on is None:
            return True
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)

    @property
    def is_cpt(self) -> bool:
        return self.code[:1].isdigit()

    @property
    def packaged_under_opps(self) -> bool:
        """OPPS status N: paid inside the service it goes with, so a hospital reports no JW/JZ on it."""
        return self.opps_status == "N"


@dataclass(frozen=True, slots=True)
class Mue:
    """Medically Unlikely Edit: most units per patient per date of service, and its MAI (1, 2 or 3)."""

    code: str
    setting: str
    max_units: int
    mai: int
    effective: date


@dataclass(frozen=True, slots=True)
class NcciEdit:
    """NCCI PTP pair: column 2 is denied with column 1 unless bypassed (modifier_indicator 1)."""

    column1: str
    column2: str
    modifier_indicator: int
    effective: date | None
    through: date | None
    setting: str

    def active_on(self, on: date | None) -> bool:
        if on is None:
            return self.through is None
        return (self.effective is None or self.effective <= on) and (self.through is None or on <= self.through)


@dataclass(frozen=True, slots=True)
class AspLimit:
    """Medicare Part B payment limit per billing unit for one quarter (106% of ASP already applied)."""

    hcpcs: str
    billing_unit: str
    payment_limit: Decimal
    coinsurance_pct: Decimal | None
    effective: date
    through: date | None


@dataclass(frozen=True, slots=True)
class PfsRvu:
    """One row of the Physician Fee Schedule RVU file: total RVUs per setting for a code and its
    professional/technical component (modifier "", "26" or "TC"). None: CMS marks the setting NA."""

    code: str
    modifier: str
    status: str  # A active, R restricted, C carrier-priced, B bundled, T, X statutory exclusion
    nonfacility_rvu: Decimal | None
    facility_rvu: Decimal | None
    effective: date
    through: date | None


@dataclass(frozen=True, slots=True)
class NdcCrosswalk:
    """One NDC's row in the ASP NDC-HCPCS crosswalk."""

    ndc11: str
    hcpcs: str
    drug_name: str
    hcpcs_dosage: str
    package_size: str
    package_quantity: str
    billing_units_per_item: str
    billing_units_per_package: str


@dataclass(frozen=True, slots=True)
class CodeText:
    """A CARC or RARC: its text, and the date it was deactivated (None while active)."""

    code: str
    description: str
    deactivated: date | None

    def active_on(self, on: date | None) -> bool:
        return self.deactivated is None or (on is not None and on < self.deactivated)


class _Versions:
    """Versions of one code set ordered by effective date; a date picks the one in force."""

    def __init__(self):
        self.items: list[tuple[date, date | None, str, dict]] = []  # (effective, through, source, rows)
        self.starts: list[date] = []

    def add(self, effective: date, through: date | None, source: str, rows: dict) -> None:
        self.items.append((effective, through, source, rows))
        self.items.sort(key=lambda item: item[0])
        self.starts = [item[0] for item in self.items]

    def pick(self, on: date | None, *, strict: bool = False):
        """The version in force on *on* (None: the latest). Before the earliest version a lenient
        pick falls back to the earliest (the best data held); a strict pick returns None."""
        if not self.items:
            return None
        if on is None:
            return self.items[-1]
        idx = bisect_right(self.starts, on) - 1
        if idx < 0:
            return None if strict else self.items[0]
        chosen = self.items[idx]
        if strict and chosen[1] is not None and on > chosen[1]:
            return None
        return chosen


class CodeSets:
    """All code sets. Build with :func:`load_code_sets` (or :func:`default_code_sets`, cached)."""

    def __init__(self, bundle: dict, imported: list[tuple[store.Version, dict]] = ()):
        self._hcpcs_raw: dict[str, list] = dict(bundle["hcpcs"])
        self._hcpcs_cache: dict[str, HcpcsCode] = {}
        self._drugs: dict[str, dict] = bundle["drugs"]
        self._asp = _Versions()
        self._ndc = _Versions()
        self._mue = _Versions()
        self._ncci = {"practitioner": _Versions(), "hospital": _Versions()}
        self._pfs = _Versions()
        self.sources: list[str] = []
        a = bundle["asp"]
        self._asp.add(_d(a["effective"]), _d(a["through"]), f"bundled: {a['source']}", a["limits"])
        n = bundle["ndc"]
        self._ndc.add(_d(n["effective"]), _d(n["through"]), f"bundled: {n['source']}", n["rows"])
        m = bundle["mue"]
        self._mue.add(_d(m["effective"]), None, f"bundled: {m['source']}", m["rows"])
        p = bundle["ncci"]
        self._ncci[p["setting"]].add(_d(p["effective"]), None, f"bundled: {p['source']}", _pairs(p["rows"]))
        f = bundle["pfs"]
        self._pfs.add(_d(f["effective"]), _d(f["through"]), f"bundled: {f['source']}", f["rows"])
        self._carc = bundle["carc"]
        self._rarc = bundle["rarc"]
        self._pos = bundle["pos"]
        self._taxonomy = bundle["taxonomy"]
        self._neoplasm_text = bundle["neoplasm_descriptions"]
        self._excludes1 = {k.replace(".", ""): v for k, v in bundle["excludes1"].items() if "-" not in k}
        self._excludes1_blocks = [(*k.split("-"), v) for k, v in bundle["excludes1"].items() if "-" in k]
        self._excludes1_cache: dict[str, list] = {}
        self._excludes1_pairs: dict[tuple[str, str], str | None] = {}
        self._drug_cache: dict[tuple, list[str]] = {}
        self._icd_lock = threading.Lock()
        self._icd: tuple[frozenset, frozenset] | None = None
        self.versions: list[store.Version] = []
        for version, payload in sorted(imported, key=lambda vp: vp[0].effective):
            self._apply(version, payload)

    # -- imported versions -------------------------------------------------------------
    def _apply(self, version: store.Version, payload: dict) -> None:
        eff, thr = _d(version.effective), _d(version.through)
        src = f"imported: {version.source} ({version.effective})"
        rows = payload["rows"]
        if version.kind == "asp":
            self._asp.add(eff, thr, src, rows)
        elif version.kind == "ndc":
            self._ndc.add(eff, thr, src, rows)
        elif version.kind == "mue":
            # A practitioner-only or facility-only file keeps the other setting's values.
            base = self._mue.pick(eff)
            merged = {k: list(v) for k, v in base[3].items()} if base else {}
            for code, (value, mai) in rows.items():
                slot = merged.setdefault(code, [None, None, None, None])
                if version.setting == "facility":
                    slot[2], slot[3] = value, mai
                else:
                    slot[0], slot[1] = value, mai
            self._mue.add(eff, None, src, merged)
        elif version.kind == "ncci":
            self._ncci[version.setting or "practitioner"].add(eff, None, src, _pairs(rows))
        elif version.kind == "hcpcs":
            for code, rec in rows.items():
                self._hcpcs_raw[code] = rec
                self._hcpcs_cache.pop(code, None)
        self.versions.append(version)

    # -- HCPCS / CPT ---------------------------------------------------------------------
    def hcpcs_record(self, code: str) -> HcpcsCode | None:
        """The code whatever the date (None if we have never heard of it)."""
        rec = self._hcpcs_cache.get(code)
        if rec is None:
            raw = self._hcpcs_raw.get(code)
            if raw is None:
                return None
            rec = HcpcsCode(code, raw[0], _d(raw[1]), _d(raw[2]), raw[3], raw[4])
            self._hcpcs_cache[code] = rec
        return rec

    def hcpcs(self, code: str, on: date | str | None = None) -> HcpcsCode | None:
        """The HCPCS/CPT code if it is valid on *on* (None: unknown, or not valid that day)."""
        rec = self.hcpcs_record(code)
        if rec is None or not rec.valid_on(_on(on)):
            return None
        return rec

    def hcpcs_is_valid(self, code: str, on: date | str | None = None) -> bool:
        return self.hcpcs(code, on) is not None

    def drug_codes(self, name: str, on: date | str | None = None) -> list[str]:
        """HCPCS codes a recorded drug name can mean on *on*: the plain product first.

        'ondansetron' matches 'ondansetron hydrochloride'; 'fulphila' or 'pegfilgrastim-jmdb'
        reach the biosimilar Q-code. An empty list means we cannot code the name.
        """
        key = " ".join(name.lower().split())
        on = _on(on)
        cached = self._drug_cache.get((key, on))
        if cached is not None:
            return list(cached)
        found = self._drug_lookup(key, on)
        if len(self._drug_cache) < 50_000:
            self._drug_cache[(key, on)] = found
        return list(found)

    def _drug_lookup(self, key: str, on: date | None) -> list[str]:
        entry = self._drugs.get(key)
        if entry is None:
            hits = [k for k in self._drugs if k.startswith(key + " ")]
            if len(hits) != 1:
                return []
            entry = self._drugs[hits[0]]
        for group in (entry["primary"], entry["other"]):
            valid = [c for c in group if self.hcpcs(c, on)]
            if valid:
                return valid
        return []

    # -- ICD-10-CM -----------------------------------------------------------------------
    def _icd_sets(self) -> tuple[frozenset, frozenset]:
        if self._icd is None:
            with self._icd_lock:
                if self._icd is None:
                    self._icd = _parse_icd(_icd_compact_text())
        return self._icd

    @staticmethod
    def icd10_key(code: str) -> str:
        return code.replace(".", "").strip().upper()

    def icd10_is_valid(self, code: str) -> bool:
        """A code or category that exists in ICD-10-CM (April 2026 release)."""
        return self.icd10_key(code) in self._icd_sets()[0]

    def icd10_is_billable(self, code: str) -> bool:
        """True only for codes with every required character (a category header is not billable)."""
        return self.icd10_key(code) in self._icd_sets()[1]

    def icd10_description(self, code: str) -> str | None:
        """Description: neoplasms from the bundle, others from simple-icd-10-cm (loaded once, slowly)."""
        key = self.icd10_key(code)
        dotted = key if len(key) <= 3 else f"{key[:3]}.{key[3:]}"
        if dotted in self._neoplasm_text:
            return self._neoplasm_text[dotted]
        if not self.icd10_is_valid(key):
            return None
        return _simple_icd().get_description(dotted)

    def icd10_excludes1(self, code: str) -> list[tuple[str, list[str]]]:
        """Excludes1 notes that apply to *code*: its own, its parents' and its block's."""
        key = self.icd10_key(code)
        cached = self._excludes1_cache.get(key)
        if cached is not None:
            return cached
        notes = []
        for length in range(3, len(key) + 1):
            notes.extend(self._excludes1.get(key[:length], ()))
        for lo, hi, block_notes in self._excludes1_blocks:
            if lo <= key[:3] <= hi:
                notes.extend(block_notes)
        result = [(n, refs) for n, refs in notes]
        self._excludes1_cache[key] = result
        return result

    def icd10_excludes1_conflict(self, first: str, second: str) -> str | None:
        """The Excludes1 note forbidding *first* and *second* together, or None (memoized per pair)."""
        key = (first, second)
        if key in self._excludes1_pairs:
            return self._excludes1_pairs[key]
        note = self._excludes1_conflict(first, second)
        if len(self._excludes1_pairs) < 100_000:
            self._excludes1_pairs[key] = note
        return note

    def _excludes1_conflict(self, first: str, second: str) -> str | None:
        for a, b in ((first, second), (second, first)):
            target = self.icd10_key(b)
            for note, refs in self.icd10_excludes1(a):
                for ref in refs:
                    if ":" in ref:
                        lo, hi = ref.split(":")
                        if lo <= target[: len(lo)] <= hi:
                            return note
                    elif target.startswith(ref):
                        return note
        return None

    # -- ASP, NDC ------------------------------------------------------------------------
    def asp_limit(self, hcpcs: str, on: date | str | None = None) -> AspLimit | None:
        """The quarter's payment limit per billing unit; None outside the loaded quarters."""
        version = self._asp.pick(_on(on), strict=True)
        if version is None or hcpcs not in version[3]:
            return None
        unit, limit, coins = version[3][hcpcs]
        return AspLimit(hcpcs, unit, Decimal(limit), Decimal(coins) if coins else None, version[0], version[1])

    def pfs_rvu(self, code: str, modifier: str = "", on: date | str | None = None) -> PfsRvu | None:
        """The PFS row for the code and component (modifier "", "26" or "TC") in the release in force
        on *on*; None outside the loaded calendar years or when the file has no such row."""
        version = self._pfs.pick(_on(on), strict=True)
        row = version[3].get(code, {}).get(modifier) if version else None
        if row is None:
            return None
        nonfacility, facility, status = row
        return PfsRvu(code, modifier, status, _dec(nonfacility), _dec(facility), version[0], version[1])

    def ndc_to_hcpcs(self, ndc11: str, on: date | str | None = None) -> NdcCrosswalk | None:
        """The crosswalk row for an 11-digit NDC (normalize label NDCs with codes.ndc first)."""
        version = self._ndc.pick(_on(on))
        row = version[3].get(ndc11) if version else None
        return NdcCrosswalk(ndc11, *row) if row else None

    def hcpcs_to_ndcs(self, hcpcs: str, on: date | str | None = None) -> list[str]:
        version = self._ndc.pick(_on(on))
        return sorted(n for n, row in version[3].items() if row[0] == hcpcs) if version else []

    # -- NCCI ----------------------------------------------------------------------------
    def mue(self, code: str, setting: str = "practitioner", on: date | str | None = None) -> Mue | None:
        """MUE for practitioner claims or facility (outpatient hospital) claims."""
        if setting not in SETTINGS:
            raise ValueError(f"MUE setting must be one of {SETTINGS}, not {setting!r}")
        version = self._mue.pick(_on(on))
        row = version[3].get(code) if version else None
        if not row:
            return None
        value, mai = (row[0], row[1]) if setting == "practitioner" else (row[2], row[3])
        if value is None:
            return None
        return Mue(code, setting, value, mai, version[0])

    def ncci_pair(
        self, column1: str, column2: str, on: date | str | None = None, setting: str = "practitioner"
    ) -> NcciEdit | None:
        """The PTP edit for (column1, column2) in force on *on*, or None.

        Practitioner look-ups use the hospital (I/OCE) pairs until a practitioner file is
        imported; the returned edit's ``setting`` says which table answered.
        """
        on = _on(on)
        tables = ("practitioner", "hospital") if setting == "practitioner" else ("hospital",)
        for table in tables:
            version = self._ncci[table].pick(on)
            if version is None:
                continue
            periods = version[3].get((column1, column2))
            if periods is None:
                return None
            for mod, eff, thr in periods:
                edit = NcciEdit(column1, column2, mod, _d(eff), _d(thr), table)
                if edit.active_on(on):
                    return edit
            return None
        return None

    def ncci_pairs_among(self, codes, on: date | str | None = None, setting: str = "practitioner") -> list[NcciEdit]:
        """Every PTP edit in force on *on* between two of *codes* (one look-up per ordered pair)."""
        on = _on(on)
        table = "hospital"
        version = None
        if setting == "practitioner":
            version = self._ncci["practitioner"].pick(on)
            table = "practitioner" if version else "hospital"
        if version is None:
            version = self._ncci["hospital"].pick(on)
        if version is None:
            return []
        pairs = version[3]
        distinct = list(dict.fromkeys(codes))
        out = []
        for a in distinct:
            for b in distinct:
                periods = pairs.get((a, b)) if a != b else None
                if periods:
                    for mod, eff, thr in periods:
                        edit = NcciEdit(a, b, mod, _d(eff), _d(thr), table)
                        if edit.active_on(on):
                            out.append(edit)
                            break
        return out

    # -- administrative lists ------------------------------------------------------------
    def carc(self, code: str, on: date | str | None = None) -> CodeText | None:
        row = self._carc.get(code)
        text = CodeText(code, row[0], _d(row[1])) if row else None
        return text if text and (on is None or text.active_on(_on(on))) else None

    def rarc(self, code: str, on: date | str | None = None) -> CodeText | None:
        row = self._rarc.get(code)
        text = CodeText(code, row[0], _d(row[1])) if row else None
        return text if text and (on is None or text.active_on(_on(on))) else None

    def pos(self, code: str) -> str | None:
        """Place-of-service name for a two-digit POS code."""
        return self._pos.get(code)

    def taxonomy(self, code: str) -> str | None:
        """NUCC provider taxonomy display name."""
        return self._taxonomy.get(code)

    def describe_versions(self) -> list[dict]:
        """What is loaded, per code set, for ``oncobill refdata status``."""
        out = []
        for kind, versions in (("asp", self._asp), ("ndc", self._ndc), ("mue", self._mue), ("pfs", self._pfs),
                               ("ncci practitioner", self._ncci["practitioner"]),
                               ("ncci hospital", self._ncci["hospital"])):
            for eff, thr, src, rows in versions.items:
                out.append({"kind": kind, "effective": eff.isoformat(), "through": thr.isoformat() if thr else None,
                            "rows": len(rows), "source": src})
        icd_version = _icd_compact_text().split("\n", 1)[0].split("\t")[1]
        out.append({"kind": "icd10cm", "effective": None, "through": None, "rows": len(self._icd_sets()[1]),
                    "source": f"billable codes, compact list from simple-icd-10-cm {icd_version}"})
        out.append({"kind": "hcpcs", "effective": None, "through": None, "rows": len(self._hcpcs_raw),
                    "source": "bundled HCPCS 2026 + I/OCE v27.1"
                    + "".join(f" + imported {v.source}" for v in self.versions if v.kind == "hcpcs")})
        return out


def _pairs(rows) -> dict:
    """(column1, column2) -> periods [modifier, effective, through]; a pair can be deleted and re-added."""
    out: dict[tuple, list] = {}
    if isinstance(rows, dict):
        for k, v in rows.items():
            out.setdefault(tuple(k.split(":")), []).append(v)
        return out
    for c1, c2, mod, eff, thr in rows:
        out.setdefault((c1, c2), []).append([mod, eff, thr])
    return out


def _parse_icd(text: str) -> tuple[frozenset, frozenset]:
    all_codes, billable = [], []
    for line in text.split("\n")[1:]:
        code, flag = line.split("\t")
        all_codes.append(code)
        if flag == "1":
            billable.append(code)
    return frozenset(all_codes), frozenset(billable)


def _icd_compact_text() -> str:
    """The compact ICD-10-CM list for the installed simple-icd-10-cm: the bundled one when the
    versions match, else one built from the package once and cached in the reference-data folder."""
    bundled = gzip.decompress((DATA_DIR / "icd10cm.tsv.gz").read_bytes()).decode()
    bundled_version = bundled.split("\n", 1)[0].split("\t")[1]
    try:
        from importlib.metadata import version

        installed = version("simple-icd-10-cm")
    except Exception:  # noqa: BLE001 - package metadata missing: the bundle is all we have
        return bundled
    if installed == bundled_version:
        return bundled
    cache = store.refdata_dir() / "cache" / f"icd10cm-{installed}.tsv.gz"
    if cache.exists():
        return gzip.decompress(cache.read_bytes()).decode()
    from oncobill.codes.build import build_icd10cm  # imports simple-icd-10-cm: seconds, once

    data = build_icd10cm()
    try:
        write_atomic(cache, gzip.compress(data, 6, mtime=0))
    except OSError:
        pass  # a read-only folder: use the list for this process only
    return data.decode()


@lru_cache(maxsize=1)
def _simple_icd():
    import simple_icd_10_cm  # seconds to import: only when a non-neoplasm description is asked for

    return simple_icd_10_cm


@lru_cache(maxsize=1)
def _bundle() -> dict:
    return json.loads(gzip.decompress((DATA_DIR / "codesets.json.gz").read_bytes()))


def load_code_sets(root: Path | None = None, *, icd10: bool = False) -> CodeSets:
    """Bundled defaults plus every version imported into the reference-data folder."""
    root = store.refdata_dir() if root is None else root
    imported = [(v, store.load_payload(v, root)) for v in store.read_manifest(root)]
    sets = CodeSets(_bundle(), imported)
    if icd10:
        sets._icd_sets()
    return sets


_default: CodeSets | None = None
_default_lock = threading.Lock()


def default_code_sets() -> CodeSets:
    """The process-wide code sets (loaded on first use, then shared)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = load_code_sets()
    return _default


def reset_default_code_sets() -> None:
    """Forget the shared code sets (after an import, or between tests)."""
    global _default
    _default = None
