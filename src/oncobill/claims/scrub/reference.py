"""Reference facts the edits need that the CMS code sets do not carry.

Payer rules live in ``payer_settings``; these are product and clinical facts. Both tables are
short, reviewed by hand, and marked (unverified) where the domain reference marks them so:
extend them, do not bury numbers in the edits.
"""

from __future__ import annotations

from decimal import Decimal

from oncobill.codes.policy import SINGLE_DOSE_ONLY  # noqa: F401  (shared with the sandbox payer)

# Usual adult dose per day for the drugs whose billing unit is a trap (domain 3.1 and 11.2):
# (lowest, highest) in mg. A dose outside the range is a warning; one more than 2.5 times outside
# it (ERROR_FACTOR) is the 10x unit error (e.g. oxaliplatin billed per mg instead of per 0.5 mg).
# Clinical plausibility (unverified), not payer policy.
ERROR_FACTOR = Decimal("2.5")
USUAL_DOSE_MG: dict[str, tuple[Decimal, Decimal]] = {
    "J9263": (Decimal(60), Decimal(350)),  # oxaliplatin, per 0.5 mg
    "J9041": (Decimal("0.7"), Decimal(4)),  # bortezomib, per 0.1 mg
    "J2469": (Decimal("0.075"), Decimal("0.5")),  # palonosetron, per 25 mcg
    "J2506": (Decimal(6), Decimal(6)),  # pegfilgrastim, per 0.5 mg (6 mg = 12 units)
    "Q5108": (Decimal(6), Decimal(6)),
    "Q5111": (Decimal(6), Decimal(6)),
    "Q5120": (Decimal(6), Decimal(6)),
    "Q5122": (Decimal(6), Decimal(6)),
    "Q5127": (Decimal(6), Decimal(6)),
    "Q5130": (Decimal(6), Decimal(6)),
    "J9190": (Decimal(200), Decimal(7000)),  # fluorouracil, per 500 mg (bolus + pump)
    "J0640": (Decimal(20), Decimal(1200)),  # leucovorin, per 50 mg
    "J0641": (Decimal(10), Decimal(600)),  # levoleucovorin, per 0.5 mg
    "J1626": (Decimal("0.5"), Decimal(3)),  # granisetron, per 100 mcg
    "J9045": (Decimal(100), Decimal(1000)),  # carboplatin, per 50 mg
    "J9060": (Decimal(20), Decimal(250)),  # cisplatin, per 10 mg
    "J9201": (Decimal(400), Decimal(3000)),  # gemcitabine, per 200 mg
}

# Codes that stand for an antineoplastic drug (LCDs look for the malignancy on these lines).
ANTINEOPLASTIC_Q_CODES = frozenset({"Q5107", "Q5112", "Q5113", "Q5114", "Q5115", "Q5116", "Q5117", "Q5118",
                                    "Q5119", "Q5123"})
