"""Derive the sandbox payer's fee-schedule files from ../shared/refdata (run by hand, not at run time).

    python -m oncobill.sandbox_payer._derive /work/shared/refdata

A fresh machine has no ../shared, so the derived files are committed under ``data/``.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

DATA = Path(__file__).with_name("data")


def derive(refdata: Path) -> None:
    with (refdata / "cms_asp_payment_limits_2026q4_J_Q.csv").open(newline="") as src, (
        DATA / "medicare_asp_2026q4.csv"
    ).open("w", newline="") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["hcpcs", "billing_unit", "payment_limit", "coinsurance_pct"])
        for row in csv.DictReader(src):
            if row["payment_limit_usd"]:
                w.writerow([row["hcpcs"], row["hcpcs_code_dosage(billing_unit)"], row["payment_limit_usd"],
                            row["coinsurance_pct"]])  # fmt: skip
    with (refdata / "cms_pfs_rvu26d_2026_96360-96549_77261-77799.csv").open(newline="") as src, (
        DATA / "medicare_pfs_2026.csv"
    ).open("w", newline="") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["code", "modifier", "nonfacility", "facility"])
        for row in csv.DictReader(src):
            w.writerow([row["hcpcs_cpt"], row["modifier"], row["national_pay_nonfacility_nonQPP(CF 33.4009)"],
                        row["national_pay_facility_nonQPP"]])  # fmt: skip


if __name__ == "__main__":
    derive(Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/refdata"))
