"""Importers on fixtures in the official CMS layouts (tests/codes/fixtures, built from the reference
tables): they load, a re-import changes nothing, a malformed file is refused whole."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from oncobill.codes import load_code_sets
from oncobill.codes.importers import ImportRefused, effective_from_text, import_file
from oncobill.codes.store import read_manifest

FIXTURES = Path(__file__).parent / "fixtures"
ASP = FIXTURES / "October 2026 ASP Pricing File.csv"
NDC = FIXTURES / "October 2026 ASP NDC-HCPCS Crosswalk.csv"
MUE_PRACTITIONER = FIXTURES / "MCR_MUE_PractitionerServices_Eff_10-01-2026.csv"
MUE_FACILITY = FIXTURES / "MCR_MUE_OutpatientHospitalServices_Eff_10-01-2026.csv"
PTP = FIXTURES / "ccipra-v323r0-f1.txt"
HCPCS = FIXTURES / "HCPC2026_OCT_ANWEB.csv"
HCPCS_TXT = FIXTURES / "HCPC2026_OCT_ANWEB.txt"

ALL = [("asp", ASP), ("ndc", NDC), ("mue", MUE_PRACTITIONER), ("mue", MUE_FACILITY), ("ncci", PTP),
       ("hcpcs", HCPCS)]


def _snapshot(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(("kind", "path"), ALL, ids=[p.name for _, p in ALL])
def test_official_layout_loads_and_reimport_changes_nothing(kind, path, tmp_path):
    status, version = import_file(kind, path, root=tmp_path)
    assert status == "added" and version.rows > 0
    before = _snapshot(tmp_path)
    again, same = import_file(kind, path, root=tmp_path)
    assert again == "unchanged" and same == version
    assert _snapshot(tmp_path) == before


def test_effective_dates_are_read_from_the_files(tmp_path):
    for kind, path in ALL:
        import_file(kind, path, root=tmp_path)
    got = {(v.kind, v.setting): (v.effective, v.through) for v in read_manifest(tmp_path)}
    assert got[("asp", None)] == ("2026-10-01", "2026-12-31")
    assert got[("mue", "practitioner")][0] == got[("mue", "facility")][0] == "2026-10-01"
    assert got[("hcpcs", None)][0] == "2026-10-01"
    assert got[("ncci", "practitioner")][0] == "2026-10-01"  # NCCI version 32.3


def test_imported_versions_answer_look_ups(tmp_path):
    for kind, path in ALL:
        import_file(kind, path, root=tmp_path)
    codes = load_code_sets(tmp_path)
    assert codes.asp_limit("J9271", "2026-11-02").payment_limit == Decimal("62.253")
    assert codes.ndc_to_hcpcs("00006302602").hcpcs == "J9271"
    assert codes.mue("96413", "practitioner", "2026-11-02").max_units == 1
    edit = codes.ncci_pair("96413", "96360", "2026-11-02")
    assert edit.setting == "practitioner" and edit.modifier_indicator == 1
    # CMS deletion date 2026-01-01 -> the edit applied through 2025-12-31.
    assert codes.ncci_pair("77385", "36000", "2025-12-31") is not None
    assert codes.ncci_pair("77385", "36000", "2026-01-01") is None
    assert codes.hcpcs("J2505", "2021-06-01") is not None and codes.hcpcs("J2505", "2026-11-02") is None


def test_a_later_quarter_wins_from_its_effective_date(tmp_path):
    import_file("mue", MUE_PRACTITIONER, root=tmp_path)
    text = MUE_PRACTITIONER.read_text(encoding="utf-8").replace("J9271,400,", "J9271,500,")
    later = tmp_path / "MCR_MUE_PractitionerServices_Eff_01-01-2027.csv"
    later.write_text(text.replace("10/01/2026", "01/01/2027"), encoding="utf-8")
    status, version = import_file("mue", later, root=tmp_path)
    assert status == "added" and version.effective == "2027-01-01"
    codes = load_code_sets(tmp_path)
    assert codes.mue("J9271", "practitioner", date(2026, 12, 31)).max_units == 400
    assert codes.mue("J9271", "practitioner", date(2027, 1, 2)).max_units == 500
    assert codes.mue("J9271", "facility", date(2027, 1, 2)).max_units == 400  # facility values kept


def test_a_corrected_file_for_the_same_quarter_replaces_it(tmp_path):
    import_file("asp", ASP, root=tmp_path)
    fixed = tmp_path / ASP.name
    fixed.write_text(ASP.read_text(encoding="utf-8").replace("J9271,Inj pembrolizumab,1 MG,62.253",
                                                             "J9271,Inj pembrolizumab,1 MG,62.300"), encoding="utf-8")
    status, _ = import_file("asp", fixed, root=tmp_path / "")
    assert status == "replaced"
    assert len(read_manifest(tmp_path)) == 1
    # The replaced version's file is gone; only the manifest's file remains.
    assert [p.name for p in (tmp_path / "asp").iterdir()] == [Path(read_manifest(tmp_path)[0].file).name]
    assert load_code_sets(tmp_path).asp_limit("J9271", "2026-11-02").payment_limit == Decimal("62.3")


@pytest.mark.parametrize(("kind", "path", "old", "new", "reason"), [
    ("asp", ASP, "J9271,Inj pembrolizumab,1 MG,62.253", "J9271,Inj pembrolizumab,1 MG,sixty", "not a number"),
    ("asp", ASP, "J9312,", "J93 12,", "not a 5-character HCPCS/CPT code"),
    ("ndc", NDC, "00006-3026-02", "0006302602", "ambiguous"),
    ("mue", MUE_PRACTITIONER, "96413,1,3 Date", "96413,one,3 Date", "not a whole number"),
    ("mue", MUE_PRACTITIONER, "96413,1,3 Date", "96413,1,7 Date", "not 1, 2 or 3"),
    ("ncci", PTP, "\t20190701\t", "\t2019-07-01\t", "not a date YYYYMMDD"),
    ("hcpcs", HCPCS, ",N\n", ",N\nJ9999,00100,3,Bad row,Bad,51,,,,,,,,,,,,K,20261301,20261301,,N\n",
     "not a real date"),
])
def test_malformed_file_is_refused_whole_with_line_and_reason(kind, path, old, new, reason, tmp_path):
    text = path.read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "in" / path.name
    bad.parent.mkdir()
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    root = tmp_path / "refdata"
    with pytest.raises(ImportRefused, match=reason) as err:
        import_file(kind, bad, root=root)
    assert err.value.line is not None and "nothing was imported" in str(err.value)
    assert not root.exists() or not any(root.rglob("*"))


def test_malformed_file_leaves_an_earlier_import_untouched(tmp_path):
    import_file("asp", ASP, root=tmp_path)
    before = _snapshot(tmp_path)
    bad = tmp_path.parent / f"{tmp_path.name}-bad.csv"
    bad.write_text(ASP.read_text(encoding="utf-8").replace(",62.253,", ",,", 1), encoding="utf-8")
    with pytest.raises(ImportRefused, match="payment limit is empty"):
        import_file("asp", bad, root=tmp_path, effective=date(2026, 10, 1))
    assert _snapshot(tmp_path) == before


def test_wrong_file_for_the_kind_is_refused(tmp_path):
    with pytest.raises(ImportRefused, match="no column titles"):
        import_file("ncci", ASP, root=tmp_path)


def test_file_without_a_date_needs_effective(tmp_path):
    plain = tmp_path / "asp.csv"
    shutil.copy(ASP, plain)
    plain.write_text(plain.read_text(encoding="utf-8").replace("October 2026 ", ""), encoding="utf-8")
    with pytest.raises(ImportRefused, match="--effective"):
        import_file("asp", plain, root=tmp_path / "rd")
    status, version = import_file("asp", plain, root=tmp_path / "rd", effective=date(2027, 1, 1))
    assert status == "added" and version.through == "2027-03-31"


@pytest.mark.parametrize(("text", "expected"), [
    ("October 2026 ASP Pricing File", date(2026, 10, 1)), ("MCR_MUE_Eff_01-01-2027.csv", date(2027, 1, 1)),
    ("asp_2026Q4.csv", date(2026, 10, 1)), ("ccipra-v323r0-f1.txt", date(2026, 10, 1)), ("HCPC2026_JAN_ANWEB.txt", date(2026, 1, 1)), ("no date", None)])
def test_effective_date_in_names(text, expected):
    assert effective_from_text(text) == expected


def test_hcpcs_fixed_width_layout_loads_like_the_csv(tmp_path):
    status, version = import_file("hcpcs", HCPCS_TXT, root=tmp_path / "txt")
    assert status == "added" and version.effective == "2026-10-01"
    assert import_file("hcpcs", HCPCS_TXT, root=tmp_path / "txt")[0] == "unchanged"
    import_file("hcpcs", HCPCS, root=tmp_path / "csv")
    txt, csv_ = load_code_sets(tmp_path / "txt"), load_code_sets(tmp_path / "csv")
    for code in ("J9271", "J2505", "J9070", "Q5108", "J9312", "J0640"):
        assert txt.hcpcs_record(code).valid_to == csv_.hcpcs_record(code).valid_to, code
        assert txt.hcpcs_record(code).billing_unit == csv_.hcpcs_record(code).billing_unit, code
    # A billing unit on a continuation record is still found.
    assert txt.hcpcs_record("J9196").billing_unit == "200 MG"  # "..., 200 mg" wraps past column 91


def test_hcpcs_fixed_width_short_record_is_refused(tmp_path):
    lines = HCPCS_TXT.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5][:200]
    bad = tmp_path / HCPCS_TXT.name
    bad.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ImportRefused, match="line 6: record is 200 characters"):
        import_file("hcpcs", bad, root=tmp_path / "rd")
    assert not (tmp_path / "rd").exists()


def test_a_crash_while_writing_the_manifest_leaves_the_previous_state(tmp_path, monkeypatch):
    import os

    from oncobill.codes import store

    import_file("asp", ASP, root=tmp_path)
    manifest_before = (tmp_path / "manifest.json").read_bytes()
    real_replace = os.replace

    def crash_on_manifest(src, dst):
        if str(dst).endswith("manifest.json"):
            raise OSError("disk full")
        return real_replace(src, dst)

    monkeypatch.setattr(store.os, "replace", crash_on_manifest)
    with pytest.raises(OSError):
        import_file("mue", MUE_PRACTITIONER, root=tmp_path)
    assert (tmp_path / "manifest.json").read_bytes() == manifest_before
    assert not list(tmp_path.rglob("*.tmp"))
    codes = load_code_sets(tmp_path)  # still loads: the manifest names only complete files
    assert codes.asp_limit("J9271", "2026-11-02") is not None
