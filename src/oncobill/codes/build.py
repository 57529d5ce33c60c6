"""Build the bundled code-set defaults (``codes/data/``) from the project's reference tables.

Run by a maintainer when ``../shared/refdata`` changes, never at run time::

    python -m oncobill.codes.build /path/to/shared/refdata

It writes ``codesets.json.gz`` (HCPCS/CPT validity and billing units, drug names, ASP, NDC
crosswalk, MUE, NCCI PTP, PFS RVUs, CARC, RARC, POS, taxonomy) and ``icd10cm.tsv.gz`` (every ICD-10-CM
code with its billable flag, from ``simple-icd-10-cm``; descriptions stay in that package and
are read lazily). Rules of derivation are written next to each step.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
import sys
from pathlib import Path

from oncobill.codes.cpt_names import CPT_SHORT_NAMES

DATA_DIR = Path(__file__).parent / "data"

PFS_FILE = "cms_pfs_rvu26d_2026_96360-96549_77261-77799.csv"

# The I/OCE table's earliest version is 2019-07-01: a row starting then means "on or before".
IOCE_EARLIEST = "20190701"

# CPT numbers our tables show only from CY2026 (new radiation delivery guidance and tracking codes,
# per the CY2026 PFS file; absent from every earlier I/OCE edit). Others carry no start date.
CPT_NEW_IN = {"77436": "2026-01-01", "77437": "2026-01-01", "77438": "2026-01-01", "77439": "2026-01-01"}

_UNIT_WORDS = {
    "mg": "MG", "milligram": "MG", "milligrams": "MG",
    "mcg": "MCG", "microgram": "MCG", "micrograms": "MCG",
    "g": "G", "gm": "G", "gram": "G", "grams": "G",
    "ml": "ML", "cc": "ML",
    "unit": "UNITS", "units": "UNITS", "iu": "UNITS",
    "millicurie": "MCI", "mci": "MCI", "microcurie": "UCI", "uci": "UCI",
}
_UNIT_RE = re.compile(
    r"(?:per |up to )?(\d[\d,]*(?:\.\d+)?)\s*(mg|mcg|micrograms?|milligrams?|grams?|gm|g|ml|cc|units?|iu|"
    r"millicurie|mci|microcurie|uci)\b",
    re.IGNORECASE,
)


def parse_billing_unit(text: str) -> str | None:
    """'50 MG', '0.5 MG', '1000 ML' from an ASP dosage or a HCPCS descriptor; None when not a measure."""
    if not text:
        return None
    matches = list(_UNIT_RE.finditer(text.replace("(500 ml = 1 unit)", "500 ml")))
    if not matches:
        return None
    amount, word = matches[-1].group(1).replace(",", ""), matches[-1].group(2).lower()
    return f"{amount} {_UNIT_WORDS[word]}"


def _ymd(value: str) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    return f"{value[0:4]}-{value[4:6]}-{value[6:8]}"


def _read_csv(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _read_tsv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))
    return rows[1:]


def drug_name(long_descriptor: str) -> str | None:
    """'Injection, pembrolizumab, 1 mg' -> 'pembrolizumab' (the word a nurse records)."""
    parts = [p.strip() for p in long_descriptor.split(",")]
    if len(parts) >= 2 and parts[0].lower() in ("injection", "inj.", "inj"):
        return parts[1].lower()
    return None


def build(refdata: Path) -> dict:
    hcpcs: dict[str, list] = {}
    # 1. The full HCPCS Level II list (Jan 2026): codes and short names; no dates in that copy.
    anweb = _read_csv(refdata / "cms_hcpcs_level2_2026jan_short_long_descriptors.csv")
    long_desc = {}
    for row in anweb:
        code = row["HCPCS_CODE"].strip()
        long_desc[code] = row["LONG_DESCRIPTION"]
        hcpcs[code] = [row["SHORT_DESCRIPTION"].strip(), None, None, parse_billing_unit(row["LONG_DESCRIPTION"]), None]
    # 2. I/OCE rows carry validity (quarter granularity) and OPPS status: they win on dates.
    for r in _read_tsv(refdata / "hcpcs_level2_drugs_ioce_2026q2.tsv"):
        code, short, si, _apc, start, end = r[0], r[1], r[2], r[3], r[4], r[5]
        entry = hcpcs.setdefault(code, [short, None, None, parse_billing_unit(short), None])
        entry[1] = None if start == IOCE_EARLIEST else _ymd(start)
        entry[2] = _ymd(end)
        entry[4] = si or None
    # 3. ASP dosage is the billing unit CMS prices: it wins over descriptor parsing.
    asp_rows = _read_csv(refdata / "cms_asp_payment_limits_2026q4_J_Q.csv")
    for row in asp_rows:
        unit = parse_billing_unit(row["hcpcs_code_dosage(billing_unit)"])
        if row["hcpcs"] in hcpcs and unit:
            hcpcs[row["hcpcs"]][3] = unit
    # 4. CPT numbers (no AMA descriptors): our short names; validity from the 2026 PFS/MUE presence
    #    and, for codes gone from them, the last date any NCCI pair was active.
    pfs_rows = _read_csv(refdata / PFS_FILE)
    pfs = {r["hcpcs_cpt"] for r in pfs_rows}
    mue_rows = _read_csv(refdata / "ncci_mue_2026q4_96360-96549_77xxx_J9xxx.csv")
    current = pfs | {r["hcpcs_cpt"] for r in mue_rows}
    ptp_rows = _read_tsv(refdata / "ncci_ptp_hospital_ioce_96-77-99.tsv")
    last_active: dict[str, str] = {}
    still_active: set[str] = set()
    for c1, c2, _mod, _eff, end, *_ in ptp_rows:
        for code in (c1, c2):
            if code[:1].isdigit():
                if not end:
                    still_active.add(code)
                else:
                    last_active[code] = max(last_active.get(code, ""), end)
    for code in sorted(current | set(last_active) | set(CPT_SHORT_NAMES)):
        if not code[:1].isdigit():
            continue
        name = CPT_SHORT_NAMES.get(code, "")
        ended = None
        if code not in current and code not in still_active and code in last_active:
            ended = _ymd(last_active[code])
        hcpcs[code] = [name, CPT_NEW_IN.get(code), ended, None, None]
    # 5. Drug names -> HCPCS, for administrations recorded without a code. "primary" codes are the
    #    plain product (no manufacturer, not 'not therapeutically equivalent'); biosimilars are also
    #    reachable by their suffixed name and brand.
    drugs: dict[str, dict[str, list[str]]] = {}
    onc = _read_csv(refdata / "hcpcs_oncology_drugs_with_billing_units.csv")
    for row in onc:
        descriptor = row["long_descriptor(CMS HCPCS 2026 Jan ANWEB)"] or ""
        name = drug_name(descriptor)
        if not name:
            continue
        plain = re.sub(r"\s*\(.*?\)", "", name).strip()
        primary = name == plain and "not therapeutically equivalent" not in descriptor.lower()
        aliases = {name, plain}
        if "biosimilar" in row["category"].lower():
            aliases.update(b.lower() for b in re.findall(r"\(([^)]*)\)", descriptor) if b.lower() != "biosimilar")
        for alias in aliases:
            slot = "primary" if primary and alias == name else "other"
            drugs.setdefault(alias, {"primary": [], "other": []})[slot].append(row["hcpcs"])
    # Normal saline is coded by bag size; the charge rules pick among these.
    drugs["normal saline"] = {"primary": ["J7030", "J7040", "J7050"], "other": []}
    # 6. ASP payment limits, one version.
    asp = {
        "effective": "2026-10-01",
        "through": "2026-12-31",
        "source": "cms_asp_payment_limits_2026q4_J_Q.csv",
        "limits": {
            r["hcpcs"]: [r["hcpcs_code_dosage(billing_unit)"], r["payment_limit_usd"], r["coinsurance_pct"]]
            for r in asp_rows
        },
    }
    # 7. NDC-HCPCS crosswalk (extract: labelers 00003, 00006, 50242).
    ndc = {}
    for r in _read_csv(refdata / "cms_asp_ndc_hcpcs_crosswalk_2026q4_extract_labelers_00003_00006_50242.csv"):
        ndc[r["ndc11"]] = [
            r["hcpcs"], r["drug_name"], r["hcpcs_dosage"], r["pkg_size"], r["pkg_qty"],
            r["billing_units_per_item(billUnits)"], r["billing_units_per_package(billUnitsPkg)"],
        ]
    # 8. MUE: practitioner and outpatient hospital values with MAI.
    mue = {
        r["hcpcs_cpt"]: [int(r["practitioner_mue"]), int(r["practitioner_mai"]),
                         int(r["outpatient_hospital_mue"]), int(r["outpatient_hospital_mai"])]
        for r in mue_rows
    }
    # 9. NCCI PTP (hospital I/OCE copy standing in for practitioner edits until those are loaded).
    ncci = [[c1, c2, int(mod), None if eff == IOCE_EARLIEST else _ymd(eff), _ymd(end)]
            for c1, c2, mod, eff, end, *_ in ptp_rows]
    # 10. Administrative code lists.
    carc_dates = {r["code"]: r for r in _read_csv(refdata / "x12_carc_with_dates_circa2011_hippo_eyeDoc.csv")}
    carc = {}
    for r in _read_csv(refdata / "x12_carc_claim_adjustment_reason_codes.csv"):
        carc[r["code"]] = [r["description"], None]
    for code, r in carc_dates.items():
        if code not in carc and r["deactivation_date"]:
            carc[code] = [r["description"], _mdy(r["deactivation_date"])]
    rarc_dates = {r["code"]: r for r in _read_csv(refdata / "x12_rarc_with_dates_circa2011_hippo_eyeDoc.csv")}
    rarc = {}
    for r in _read_csv(refdata / "x12_rarc_remittance_advice_remark_codes.csv"):
        rarc[r["code"]] = [r["description"], None]
    for code, r in rarc_dates.items():
        if code not in rarc and r["deactivation_date"]:
            rarc[code] = [r["description"], _mdy(r["deactivation_date"])]
    pos = {r["pos_code"]: r["name"] for r in _read_csv(refdata / "cms_place_of_service_codes.csv")}
    taxonomy = {r["Code"]: r["Display Name"] or r["Classification"] for r in
                _read_csv(refdata / "nucc_provider_taxonomy_v25.1.csv")}
    # 11. Neoplasm descriptions (for explanations without importing simple-icd-10-cm).
    neoplasms = {r[0]: r[1] for r in _read_tsv(refdata / "icd10cm_2026apr_neoplasms_C00-D49.tsv")}
    # 12. Excludes1 notes with the codes they name ("(C44.0-)" -> "C44.0", a prefix).
    excludes1: dict[str, list] = {}
    for code, note in _read_tsv(refdata / "icd10cm_2026apr_excludes1_all.tsv"):
        refs = excludes1_refs(note)
        excludes1.setdefault(code, []).append([note, refs])
    # 13. PFS relative value units: the total RVU per setting (None where CMS marks the setting NA,
    #     i.e. not payable there) and the status indicator; codes.fees multiplies by the CY's
    #     conversion factor (national amounts, GPCI 1). RVU26D is the October release of CY2026:
    #     it answers for the calendar year (the quarterly releases only correct a few rows).
    pfs_rvus: dict[str, dict[str, list]] = {}
    for r in pfs_rows:
        pfs_rvus.setdefault(r["hcpcs_cpt"], {})[r["modifier"]] = [
            None if r["pe_nonfacility_NA_flag"] == "NA" else r["total_rvu_nonfacility"],
            None if r["pe_facility_NA_flag"] == "NA" else r["total_rvu_facility"],
            r["status"],
        ]
    return {
        "format": 1,
        "hcpcs_version": {"effective": "2026-04-01", "source": "HCPCS 2026 Jan + I/OCE v27.1 + CMS PFS RVU26D"},
        "hcpcs": hcpcs,
        "drugs": drugs,
        "asp": asp,
        "ndc": {"effective": "2026-10-01", "through": "2026-12-31", "source": "ASP NDC-HCPCS crosswalk 2026Q4 extract",
                "rows": ndc},
        "mue": {"effective": "2026-10-01", "source": "NCCI MUE 2026Q4", "rows": mue},
        "ncci": {"effective": "2026-04-01", "setting": "hospital",
                 "source": "NCCI PTP hospital edits from I/OCE v27.1 (stand-in for practitioner edits)",
                 "rows": ncci},
        "carc": carc,
        "rarc": rarc,
        "pos": pos,
        "taxonomy": taxonomy,
        "neoplasm_descriptions": neoplasms,
        "excludes1": excludes1,
        "pfs": {"effective": "2026-01-01", "through": "2026-12-31", "source": f"CMS PFS RVU26D ({PFS_FILE})",
                "rows": pfs_rvus},
    }


_ICD_CODE = r"[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?"
_ICD_REF = re.compile(r"\b(" + _ICD_CODE + r")(?:\.?-)?(?![0-9A-Z])")


_ICD_RANGE = re.compile(r"\b(" + _ICD_CODE + r")-(" + _ICD_CODE + r")(?![0-9A-Z])")


def excludes1_refs(note: str) -> list[str]:
    """Codes an Excludes1 note names: 'C44.0-' -> 'C440' (a prefix), 'C81-C96' -> 'C81:C96' (a range)."""
    ranges = [f"{a.replace('.', '')}:{b.replace('.', '')}" for a, b in _ICD_RANGE.findall(note)]
    rest = _ICD_RANGE.sub(" ", note)
    singles = {m.replace(".", "") for m in _ICD_REF.findall(rest)}
    return sorted(singles) + ranges


def _mdy(value: str) -> str | None:
    m, d, y = value.split("/")
    return f"{y}-{m}-{d}"


def build_icd10cm() -> bytes:
    """Every ICD-10-CM code (no dot) with 1 when billable (a leaf), from simple-icd-10-cm."""
    import simple_icd_10_cm as cm

    lines = [f"version\t{_icd_version()}"]
    for code in cm.get_all_codes(True):
        if cm.is_chapter_or_block(code):
            continue
        lines.append(f"{code.replace('.', '')}\t{1 if cm.is_leaf(code) else 0}")
    return "\n".join(lines).encode()


def _icd_version() -> str:
    from importlib.metadata import version

    return version("simple-icd-10-cm")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    refdata = Path(args[0] if args else "../shared/refdata")
    DATA_DIR.mkdir(exist_ok=True)
    bundle = json.dumps(build(refdata), separators=(",", ":"), sort_keys=True).encode()
    (DATA_DIR / "codesets.json.gz").write_bytes(gzip.compress(bundle, 9, mtime=0))
    (DATA_DIR / "icd10cm.tsv.gz").write_bytes(gzip.compress(build_icd10cm(), 9, mtime=0))
    print(f"wrote {DATA_DIR}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
