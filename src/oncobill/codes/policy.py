"""Coding policy facts that the practice's scrubber and the sandbox payer must read the same way.

Kept in one place so the edit that holds a claim and the payer rule that would deny it cannot
drift apart: NCCI bypass modifiers (with modifier 25 for an E/M in column 2) and the drugs sold
only in single-dose containers (whose lines need JW or JZ, domain 3.4).
"""

from __future__ import annotations

from collections.abc import Iterable

# NCCI-associated modifiers for a distinct procedural service.
BYPASS_MODIFIERS = frozenset({"59", "XE", "XS", "XP", "XU"})
# Office and outpatient E/M visits; modifier 25 marks one as significant and separately identifiable.
EM_CODES = frozenset(f"992{n:02d}" for n in range(2, 16))

# Drugs supplied only in single-dose containers (vials or prefilled syringes): a line without JW or
# JZ is incomplete whatever the chart says. Drugs that also come in multiple-dose vials (carboplatin,
# paclitaxel, fluorouracil...) are not here: their container is read from the chart.
SINGLE_DOSE_ONLY = frozenset({
    "J9271",  # pembrolizumab 100 mg/4 mL
    "J9299",  # nivolumab
    "J9022",  # atezolizumab
    "J9173",  # durvalumab
    "J9228",  # ipilimumab
    "J9306",  # pertuzumab
    "J9312", "Q5115", "Q5119", "Q5123",  # rituximab and biosimilars
    "J9035", "Q5107", "Q5118",  # bevacizumab and biosimilars
    "J9055",  # cetuximab
    "J9303",  # panitumumab
    "J9145",  # daratumumab IV
    "J9047",  # carfilzomib
    "J9041",  # bortezomib
    "J9263",  # oxaliplatin
    "J9305",  # pemetrexed
    "J2469",  # palonosetron 0.25 mg/5 mL
    "J1453",  # fosaprepitant
    "J3489",  # zoledronic acid
    "J0897",  # denosumab
    "J2506", "Q5108", "Q5111", "Q5120", "Q5122", "Q5127", "Q5130",  # pegfilgrastim prefilled syringes
})


def ncci_bypassed(indicator: int, column1_modifiers: Iterable[str], column2_code: str,
                  column2_modifiers: Iterable[str]) -> bool:
    """Whether a PTP pair is allowed through: indicator 9 is not applied, 0 never bypassable, 1 with a
    distinct-service modifier on either line, or 25 on an E/M in column 2 (NCCI policy manual ch. I)."""
    if indicator == 9:
        return True
    if indicator == 0:
        return False
    col2 = set(column2_modifiers)
    if col2 & BYPASS_MODIFIERS or set(column1_modifiers) & BYPASS_MODIFIERS:
        return True
    return column2_code in EM_CODES and "25" in col2


def jw_line_covers(code: str, service_date, lines) -> bool:
    """A JW line for the same drug and date: the given line then rightly carries no modifier."""
    return any(x.code == code and x.service_date == service_date and "JW" in x.modifiers for x in lines)
