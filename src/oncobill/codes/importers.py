"""Importers for the official CMS file layouts, so a practice can load next quarter's files.

Each importer reads the whole file, checks every row, and only then stores one version in the
reference-data folder (:mod:`oncobill.codes.store`): a file with one bad row is refused whole,
with an error naming the file, the line and the reason. Importing the same file twice changes
nothing.

Layouts (CSV files as CMS publishes them; header rows before the column titles are skipped):

* ``asp``  - quarterly ASP payment-limit file: columns "HCPCS Code", "Short Description",
  "HCPCS Code Dosage", "Payment Limit" (and "Co-insurance Percentage", "Notes", ...).
* ``ndc``  - ASP NDC-HCPCS crosswalk: a HCPCS column ("_2026_CODE" or "HCPCS Code"), "NDC2"
  (5-4-2 with hyphens) or "NDC", "Drug Name", "HCPCS dosage", "PKG SIZE", "PKG QTY",
  "BILLUNITS", "BILLUNITSPKG".
* ``mue``  - NCCI MUE practitioner or outpatient-hospital file: "HCPCS/CPT Code", "Practitioner
  Services MUE Values" or "Outpatient Hospital Services MUE Values", "MUE Adjudication
  Indicator" (text such as "3 Date of Service Edit: Clinical"), "MUE Rationale".
* ``ncci`` - NCCI PTP edit file (tab-delimited text or CSV): "Column 1", "Column 2",
  "*=in existence prior to 1996", "Effective Date" (YYYYMMDD), "Deletion Date *=no data",
  "Modifier 0=not allowed 1=allowed 9=not applicable", "PTP Edit Rationale". A deletion date
  is the first day the edit no longer applies (equal to the effective date: never applied).
* ``hcpcs`` - HCPCS annual/quarterly file: the fixed-width ``HCPC<YYYY>_<MMM>_ANWEB.txt`` (320
  characters: code 1-5, sequence 6-10, record id 11, long description 12-91, short description
  92-119, add date 269-276, action effective date 277-284, termination date 285-292, action code
  293; record id 3 starts a code, 4 continues its long description, 7/8 are modifiers), or the
  same record saved as CSV with the columns "HCPC", "SEQNUM", "RECID", "LONG DESCRIPTION",
  "SHORT DESCRIPTION", ..., "ADD DT", "ACT EFF DT", "TERM DT", "ACTION CD". Dates are YYYYMMDD
  (00000000 = none); the termination date is the last day the code may be used.

The effective date comes from ``--effective`` or is read from the file (title rows or name, e.g.
"October 2026", "Eff_10-01-2026", "2026Q4", "HCPC2026_JAN").
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from oncobill.codes import store
from oncobill.codes.build import parse_billing_unit
from oncobill.codes.ndc import normalize_ndc


class ImportRefused(ValueError):
    """The whole file was refused; nothing was stored."""

    def __init__(self, path: Path | str, line: int | None, reason: str):
        self.path, self.line, self.reason = str(path), line, reason
        where = f"{path}, line {line}" if line else str(path)
        super().__init__(f"{where}: {reason} (nothing was imported)")


_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_CODE = re.compile(r"^[A-Z0-9][0-9]{3}[A-Z0-9]$")
_QUARTER_END = {1: (3, 31), 4: (6, 30), 7: (9, 30), 10: (12, 31)}


def _read_rows(path: Path) -> tuple[list[list[str]], str]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")  # CMS files are often Windows-1252
    sample = text[:5000]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter)), text


def _norm(title: str) -> str:
    return re.sub(r"[^a-z0-9%*=]+", " ", title.lower()).strip()


def _find_header(rows: list[list[str]], path: Path, must: tuple[str, ...]) -> tuple[int, dict[str, int]]:
    """Index of the column-title row (the first containing every *must* fragment) and its columns."""
    for i, row in enumerate(rows[:60]):
        cells = [_norm(c) for c in row]
        if all(any(m in c for c in cells) for m in must):
            return i, {c: j for j, c in enumerate(cells) if c}
    raise ImportRefused(path, None, f"no column titles found containing {', '.join(repr(m) for m in must)}; "
                        "is this the right CMS file?")


def _col(columns: dict[str, int], *fragments: str, required: bool = True, path: Path | None = None) -> int | None:
    for frag in fragments:
        for title, j in columns.items():
            if frag in title:
                return j
    if required:
        raise ImportRefused(path, None, f"column {fragments[0]!r} is missing")
    return None


def _cell(row: list[str], j: int | None) -> str:
    return row[j].strip() if j is not None and j < len(row) else ""


def effective_from_text(text: str) -> date | None:
    """Quarter start from 'October 2026', 'Eff_10-01-2026', '2026Q4', 'HCPC2026_JAN' or NCCI 'v323'."""
    m = re.search(r"\bv(\d\d)([0-3])r\d", text, re.IGNORECASE)  # NCCI file version: v323 = 2026 Q4
    if m:
        return date(1994 + int(m.group(1)), 1 + 3 * int(m.group(2)), 1)
    m = re.search(r"(\d{1,2})[-_/](\d{1,2})[-_/](20\d\d)", text)
    if m:
        return date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
    m = re.search(r"(20\d\d)\s*[-_ ]?q([1-4])", text, re.IGNORECASE)
    if m:
        return date(int(m.group(1)), 3 * int(m.group(2)) - 2, 1)
    m = re.search(r"(january|february|march|april|may|june|july|august|september|october|november|december|"
                  r"jan|apr|jul|oct)[a-z]*[\s_-]*(20\d\d)", text, re.IGNORECASE)
    if m:
        return date(int(m.group(2)), _MONTHS[m.group(1)[:3].lower()], 1)
    m = re.search(r"(20\d\d)[\s_-]*(jan|apr|jul|oct)", text, re.IGNORECASE)
    if m:
        return date(int(m.group(1)), _MONTHS[m.group(2).lower()], 1)
    return None


def _effective(path: Path, rows: list[list[str]], given: date | None) -> date:
    if given is not None:
        return given
    for candidate in [" ".join(r) for r in rows] + [path.name]:
        found = effective_from_text(candidate)
        if found:
            return found
    raise ImportRefused(path, None, "cannot tell the effective date from the file; give --effective YYYY-MM-DD")


def _quarter_through(eff: date) -> date | None:
    end = _QUARTER_END.get(eff.month)
    return date(eff.year, *end) if end and eff.day == 1 else None


def _ymd(value: str, path: Path, line: int, what: str) -> str | None:
    value = value.strip()
    if value in ("", "*"):
        return None
    if not re.fullmatch(r"\d{8}", value):
        raise ImportRefused(path, line, f"{what} {value!r} is not a date YYYYMMDD")
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:])).isoformat()
    except ValueError:
        raise ImportRefused(path, line, f"{what} {value!r} is not a real date") from None


def _decimal(value: str, path: Path, line: int, what: str) -> str:
    try:
        d = Decimal(value.replace("$", "").replace(",", ""))
    except InvalidOperation:
        raise ImportRefused(path, line, f"{what} {value!r} is not a number") from None
    if not d.is_finite() or d < 0:
        raise ImportRefused(path, line, f"{what} {value!r} is not a non-negative number")
    return format(d.normalize(), "f")


def _code(value: str, path: Path, line: int, what: str = "HCPCS code") -> str:
    code = value.strip().upper()
    if not _CODE.match(code):
        raise ImportRefused(path, line, f"{what} {value!r} is not a 5-character HCPCS/CPT code")
    return code


def _data_rows(rows, start):
    for i in range(start + 1, len(rows)):
        row = rows[i]
        if not any(c.strip() for c in row):
            continue
        yield i + 1, row


def parse_asp(path: Path, effective: date | None = None) -> tuple[dict, date, date | None, int]:
    rows, _ = _read_rows(path)
    h, cols = _find_header(rows, path, ("hcpcs code", "payment limit"))
    c_code, c_dose = _col(cols, "hcpcs code", path=path), _col(cols, "dosage", path=path)
    c_limit = _col(cols, "payment limit", path=path)
    c_coins = _col(cols, "co insurance", "coinsurance", required=False)
    out = {}
    for line, row in _data_rows(rows, h):
        code = _code(_cell(row, c_code), path, line)
        limit = _cell(row, c_limit)
        if not limit:
            raise ImportRefused(path, line, f"{code}: payment limit is empty")
        coins = _cell(row, c_coins)
        out[code] = [_cell(row, c_dose), _decimal(limit, path, line, "payment limit"),
                     _decimal(coins, path, line, "coinsurance") if coins else ""]
    if not out:
        raise ImportRefused(path, None, "no payment-limit rows")
    eff = _effective(path, rows[:h], effective)
    return {"rows": out}, eff, _quarter_through(eff), len(out)


def parse_ndc(path: Path, effective: date | None = None) -> tuple[dict, date, date | None, int]:
    rows, _ = _read_rows(path)
    h, cols = _find_header(rows, path, ("ndc", "billunits"))
    c_code = _col(cols, "code", path=path)
    c_ndc = _col(cols, "ndc2", "ndc", path=path)
    c_name = _col(cols, "drug name", path=path)
    c_dose = _col(cols, "hcpcs dosage", "dosage", path=path)
    c_size, c_qty = _col(cols, "pkg size", path=path), _col(cols, "pkg qty", path=path)
    if "billunits" not in cols:
        raise ImportRefused(path, None, "column 'BILLUNITS' is missing")
    c_bu, c_bup = cols["billunits"], _col(cols, "billunitspkg", path=path)
    out = {}
    for line, row in _data_rows(rows, h):
        code = _code(_cell(row, c_code), path, line)
        try:
            ndc = normalize_ndc(_cell(row, c_ndc), "NDC")
        except ValueError as exc:
            raise ImportRefused(path, line, str(exc)) from None
        out[ndc] = [code, _cell(row, c_name), _cell(row, c_dose), _cell(row, c_size), _cell(row, c_qty),
                    _decimal(_cell(row, c_bu), path, line, "BILLUNITS"),
                    _decimal(_cell(row, c_bup), path, line, "BILLUNITSPKG")]
    if not out:
        raise ImportRefused(path, None, "no crosswalk rows")
    eff = _effective(path, rows[:h], effective)
    return {"rows": out}, eff, _quarter_through(eff), len(out)


def parse_mue(path: Path, effective: date | None = None) -> tuple[dict, date, str, int]:
    rows, _ = _read_rows(path)
    h, cols = _find_header(rows, path, ("hcpcs", "mue values"))
    setting = "facility" if any("outpatient hospital" in t for t in cols) else "practitioner"
    c_code = _col(cols, "hcpcs", path=path)
    c_val = _col(cols, "mue values", path=path)
    c_mai = _col(cols, "adjudication indicator", path=path)
    out = {}
    for line, row in _data_rows(rows, h):
        code = _code(_cell(row, c_code), path, line)
        value = _cell(row, c_val)
        if not value.isdigit():
            raise ImportRefused(path, line, f"{code}: MUE value {value!r} is not a whole number")
        mai_text = _cell(row, c_mai)
        if not mai_text[:1] in ("1", "2", "3"):
            raise ImportRefused(path, line, f"{code}: MUE adjudication indicator {mai_text!r} is not 1, 2 or 3")
        out[code] = [int(value), int(mai_text[0])]
    if not out:
        raise ImportRefused(path, None, "no MUE rows")
    return {"rows": out}, _effective(path, rows[:h], effective), setting, len(out)


def parse_ncci(path: Path, effective: date | None = None) -> tuple[dict, date, int]:
    rows, _ = _read_rows(path)
    h, cols = _find_header(rows, path, ("column 1", "column 2"))
    c1, c2 = _col(cols, "column 1", path=path), _col(cols, "column 2", path=path)
    c_eff = _col(cols, "effective", path=path)
    c_del = _col(cols, "deletion", path=path)
    c_mod = _col(cols, "modifier", path=path)
    out = {}
    latest = None
    for line, row in _data_rows(rows, h):
        a, b = _code(_cell(row, c1), path, line, "column 1 code"), _code(_cell(row, c2), path, line, "column 2 code")
        eff = _ymd(_cell(row, c_eff), path, line, "effective date")
        if eff is None:
            raise ImportRefused(path, line, f"{a}/{b}: effective date is missing")
        deleted = _ymd(_cell(row, c_del), path, line, "deletion date")
        mod = _cell(row, c_mod)
        if mod not in ("0", "1", "9"):
            raise ImportRefused(path, line, f"{a}/{b}: modifier indicator {mod!r} is not 0, 1 or 9")
        # Stored "through" is inclusive: the day before the deletion date.
        through = (date.fromisoformat(deleted) - timedelta(days=1)).isoformat() if deleted else None
        out[f"{a}:{b}"] = [int(mod), eff, through]
        latest = max(latest or eff, eff)
    if not out:
        raise ImportRefused(path, None, "no PTP edit rows")
    eff = effective or _effective_or_none(path, rows[:h]) or date.fromisoformat(latest)
    return {"rows": out}, eff, len(out)


def _effective_or_none(path, rows):
    try:
        return _effective(path, rows, None)
    except ImportRefused:
        return None


# HCPCS ANWEB fixed-width record (320 characters; 1-based columns from the CMS record layout).
_FW_CODE, _FW_SEQ, _FW_RECID = (0, 5), (5, 10), 10
_FW_LONG, _FW_SHORT = (11, 91), (91, 119)
_FW_ADD, _FW_ACT_EFF, _FW_TERM, _FW_ACTION = (268, 276), (276, 284), (284, 292), 292


def _is_fixed_width(text: str) -> bool:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return len(first) >= 293 and first[_FW_RECID] in "3478" and first[5:10].isdigit() and "," not in first[:11]


def _fw_date(line: str, span: tuple[int, int], path: Path, line_no: int, what: str) -> str | None:
    value = line[slice(*span)].strip()
    return None if value in ("", "00000000") else _ymd(value, path, line_no, what)


def parse_hcpcs_fixed_width(path: Path, text: str, effective: date | None) -> tuple[dict, date, int]:
    """The ANWEB .txt: record id 3 starts a code, 4 continues its long description; 7/8 are modifiers."""
    longs: dict[str, list[str]] = {}
    out: dict[str, list] = {}
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if len(line) < 293:
            raise ImportRefused(path, line_no, f"record is {len(line)} characters; the HCPCS layout has 320")
        rec_id = line[_FW_RECID]
        if rec_id in "78":
            continue  # modifiers
        if rec_id not in "34":
            raise ImportRefused(path, line_no, f"record identification code {rec_id!r} is not 3, 4, 7 or 8")
        code = _code(line[slice(*_FW_CODE)], path, line_no)
        if rec_id == "4":
            if code not in out:
                raise ImportRefused(path, line_no, f"{code}: continuation record before its first record")
            longs[code].append(line[slice(*_FW_LONG)].strip())
            continue

        added = _fw_date(line, _FW_ADD, path, line_no, "add date")
        _fw_date(line, _FW_ACT_EFF, path, line_no, "action effective date")
        term = _fw_date(line, _FW_TERM, path, line_no, "termination date")
        longs[code] = [line[slice(*_FW_LONG)].strip()]
        out[code] = [line[slice(*_FW_SHORT)].strip(), added, term, None, None]
    if not out:
        raise ImportRefused(path, None, "no HCPCS rows")
    for code, rec in out.items():
        if code[0] in "JQ":
            rec[3] = parse_billing_unit(" ".join(longs[code]))
    return {"rows": out}, _effective(path, [], effective), len(out)


def parse_hcpcs(path: Path, effective: date | None = None) -> tuple[dict, date, int]:
    rows, text = _read_rows(path)
    if _is_fixed_width(text):
        return parse_hcpcs_fixed_width(path, text, effective)
    h, cols = _find_header(rows, path, ("hcpc", "short description"))
    c_code = _col(cols, "hcpc", path=path)
    c_rec = _col(cols, "recid", "record", required=False)
    c_long = _col(cols, "long description", path=path)
    c_short = _col(cols, "short description", path=path)
    c_add = _col(cols, "add dt", "add date", path=path)
    c_eff = _col(cols, "act eff dt", "action effective", required=False)
    c_term = _col(cols, "term dt", "termination", path=path)
    c_opps = _col(cols, "opps pi", required=False)
    out = {}
    for line, row in _data_rows(rows, h):
        rec_id = _cell(row, c_rec)
        if rec_id and rec_id not in ("3",):
            continue  # continuation lines and modifiers
        code = _code(_cell(row, c_code), path, line)
        added = _ymd(_cell(row, c_add), path, line, "add date")
        term = _ymd(_cell(row, c_term), path, line, "termination date")
        _ymd(_cell(row, c_eff), path, line, "action effective date")
        long = _cell(row, c_long)
        out[code] = [_cell(row, c_short), added, term, parse_billing_unit(long) if code[0] in "JQ" else None,
                     _cell(row, c_opps) or None]
    if not out:
        raise ImportRefused(path, None, "no HCPCS rows")
    eff = _effective(path, rows[:h], effective)
    return {"rows": out}, eff, len(out)


def import_file(kind: str, path: Path | str, *, effective: date | None = None, setting: str | None = None,
                root: Path | None = None) -> tuple[str, store.Version]:
    """Import one official CMS file; returns ("added" | "replaced" | "unchanged", version)."""
    path = Path(path)
    if kind not in store.KINDS:
        raise ImportRefused(path, None, f"unknown kind {kind!r}; one of {', '.join(store.KINDS)}")
    if not path.is_file():
        raise ImportRefused(path, None, "no such file")
    through = None
    if kind == "asp":
        payload, eff, through, n = parse_asp(path, effective)
    elif kind == "ndc":
        payload, eff, through, n = parse_ndc(path, effective)
    elif kind == "mue":
        payload, eff, setting, n = parse_mue(path, effective)
    elif kind == "ncci":
        payload, eff, n = parse_ncci(path, effective)
        setting = setting or "practitioner"
        if setting not in ("practitioner", "hospital"):
            raise ImportRefused(path, None, "NCCI setting must be practitioner or hospital")
    else:
        payload, eff, n = parse_hcpcs(path, effective)
    return store.save_version(kind, eff.isoformat(), payload, through=through.isoformat() if through else None,
                              setting=setting, source=path.name, rows=n, root=root)
