"""The X12 5010 segment dictionary for the segments our guides use: each element's data
type, minimum and maximum length, and whether the standard makes it mandatory (``!``).

Types: AN string, ID code, N0 integer, N2 implied two decimals, R decimal, DT date, TM time.
Where both 837 guides require a component the standard leaves optional (CLM05-2, the facility
code qualifier), it is marked mandatory here.
A composite is written ``C(...)`` with its components. Used by the validator (SNIP 1-2)
for lengths, types and required elements; implementation-guide code lists live in the specs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ElementDef:
    type: str
    min: int
    max: int
    mandatory: bool = False
    components: tuple[ElementDef, ...] = ()


_TEXT = {
    "AAA": "ID1-1! ID2-2 ID2-2 ID1-1",
    "AK1": "ID2-2! N01-9! AN1-12",
    "AK2": "ID3-3! AN4-9! AN1-35",
    "AK9": "ID1-1! N01-6! N01-6! N01-6! ID1-3 ID1-3 ID1-3 ID1-3 ID1-3",
    "AMT": "ID1-3! R1-18! ID1-1",
    "BHT": "ID4-4! ID2-2! AN1-50 DT8-8 TM4-8 ID2-2",
    "BPR": "ID1-2! R1-18! ID1-1! ID3-3! ID1-10 ID2-2 AN3-12 ID1-3 AN1-35 AN10-10 AN9-9 ID2-2 AN3-12 ID1-3 AN1-35 DT8-8",
    "CAS": "ID1-2! ID1-5! R1-18! R1-15 ID1-5 R1-18 R1-15 ID1-5 R1-18 R1-15 ID1-5 R1-18 R1-15 ID1-5 R1-18 R1-15 ID1-5 R1-18 R1-15",
    "CL1": "ID1-1 ID1-1 ID1-2",
    "CLM": "AN1-38! R1-18 ID1-2 ID1-2 C(AN1-2!,ID1-2!,ID1-1) ID1-1 ID1-1 ID1-1 ID1-1 ID1-1 C(ID2-3!,ID2-3,ID2-3,AN2-2,AN1-3) ID2-3 ID1-1 ID1-3 ID1-1 ID1-1 ID1-2 ID1-1 ID2-2 ID1-2",
    "CLP": "AN1-38! ID1-2! R1-18! R1-18! R1-18 ID1-2 AN1-50 AN1-2 ID1-1 ID1-2 ID1-4 R1-15 R1-10 ID1-1",
    "CTP": "ID2-2 ID3-3 R1-17 R1-15 C(ID2-2!,R1-15,R1-10) ID1-3 R1-10 R1-18 ID2-2 AN1-10 N01-2",
    "CTX": "C(AN1-35!,AN1-35) ID2-3 N01-6 AN1-4 C(N01-2!,N01-2,N01-4) C(N01-2!,N01-2,N01-4)",
    "CUR": "ID2-3! ID3-3! R4-10",
    "DMG": "ID2-3 AN1-35 ID1-1",
    "DTM": "ID3-3! DT8-8 TM4-8 ID2-2 ID2-3 AN1-35",
    "DTP": "ID3-3! ID2-3! AN1-35!",
    "EB": "ID1-2! ID3-3 ID1-2 ID1-2 AN1-50 ID1-2 R1-18 R1-10 ID2-2 R1-15 ID1-1 ID1-1 C(ID2-2!,AN1-48!)",
    "EQ": "ID1-2 C(ID2-2!,AN1-48!) ID3-3 ID2-2",
    "HCP": "ID2-2! R1-18 R1-18 AN1-50 R1-9 AN1-50 R1-18 AN1-48 ID2-2 AN1-48 ID2-2 R1-15 ID1-2 ID1-2 ID1-2",
    "HI": "C(ID1-3!,AN1-30!,ID2-3,AN1-35,R1-18,R1-15,AN1-30,ID1-1) " * 12,
    "HL": "AN1-12! AN1-12 ID1-2! ID1-1",
    "IK3": "ID2-3! N01-6! AN1-4 ID1-3",
    "IK4": "C(N01-2!,N01-2,N01-4) N01-4 ID1-3! AN1-99",
    "IK5": "ID1-1! ID1-3 ID1-3 ID1-3 ID1-3 ID1-3",
    "LIN": "AN1-20 ID2-2! AN1-48!",
    "LQ": "ID1-3 AN1-30",
    "LX": "N01-6!",
    "MIA": "R1-15! R1-18 R1-15 R1-18 AN1-50 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-15 R1-18 R1-18 R1-18 R1-18 AN1-50 AN1-50 AN1-50 AN1-50 R1-18",
    "MOA": "R1-10 R1-18 AN1-50 AN1-50 AN1-50 AN1-50 AN1-50 R1-18 R1-18",
    "N1": "ID2-3! AN1-60 ID1-2 AN2-80",
    "N3": "AN1-55! AN1-55",
    "N4": "AN2-30 ID2-2 ID3-15 ID2-3 ID1-2 AN1-30",
    "NM1": "ID2-3! ID1-1! AN1-60 AN1-35 AN1-25 AN1-10 AN1-10 ID1-2 AN2-80 ID2-2 ID2-3 AN1-60",
    "OI": "ID1-2 ID1-2 ID1-1 ID1-1 ID1-1 ID1-1",
    "PAT": "ID2-2 ID1-1 ID1-2 ID1-1 ID2-3 AN1-35 ID2-2 R1-10 ID1-1",
    "PER": "ID2-2! AN1-60 ID2-2 AN1-256 ID2-2 AN1-256 ID2-2 AN1-256 AN1-20",
    "PLB": "AN1-50! DT8-8! C(ID2-2!,AN1-50) R1-18 C(ID2-2!,AN1-50) R1-18 C(ID2-2!,AN1-50) R1-18 C(ID2-2!,AN1-50) R1-18 C(ID2-2!,AN1-50) R1-18 C(ID2-2!,AN1-50) R1-18",
    "PRV": "ID1-3! ID2-3 AN1-50",
    "REF": "ID2-3! AN1-50 AN1-80",
    "SBR": "ID1-1! ID2-2 AN1-50 AN1-60 ID1-3 ID1-1 ID1-1 ID2-2 ID1-2",
    "STC": "C(AN1-30!,AN1-30!,ID2-3,AN1-30) DT8-8 ID1-2 R1-18 R1-18 DT8-8 ID3-3 DT8-8 AN1-16 C(AN1-30!,AN1-30!,ID2-3) C(AN1-30!,AN1-30!,ID2-3) AN1-264",
    "SV1": "C(ID2-2!,AN1-48!,AN2-2,AN2-2,AN2-2,AN2-2,AN1-80) R1-18! ID2-2! R1-15! AN1-2 ID1-2 C(N01-2!,N01-2,N01-2,N01-2) R1-18 ID1-1 ID1-2 ID1-1 ID1-1 ID1-2 AN1-2 ID1-1 ID1-1 AN1-50 ID3-15 R1-18 ID1-1 ID1-1",
    "SV2": "AN1-48 C(ID2-2!,AN1-48!,AN2-2,AN2-2,AN2-2,AN2-2,AN1-80) R1-18 ID2-2 R1-15 R1-10 R1-18 ID1-1 ID1-1",
    "SVC": "C(ID2-2!,AN1-48!,AN2-2,AN2-2,AN2-2,AN2-2,AN1-80) R1-18! R1-18 AN1-48 R1-15 C(ID2-2!,AN1-48!,AN2-2,AN2-2,AN2-2,AN2-2,AN1-80) R1-15",
    "SVD": "AN2-80! R1-18! C(ID2-2!,AN1-48!,AN2-2,AN2-2,AN2-2,AN2-2,AN1-80) AN1-48 R1-15 N01-6",
    "TRN": "ID1-2! AN1-50! AN10-10 AN1-50",
    "TS3": "AN1-50! AN1-2! DT8-8! R1-15! R1-18! R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-18 R1-15 R1-18",
    "UM": "ID1-2! ID1-2 C(ID1-2!,ID1-3) C(AN1-30!,ID1-3,ID2-3) C(AN1-2!,ID1-2,ID1-2) ID1-2 ID1-2 ID1-2 ID1-1",
    # envelope
    "ISA": "ID2-2! AN10-10! ID2-2! AN10-10! ID2-2! AN15-15! ID2-2! AN15-15! DT6-6! TM4-4! AN1-1! ID5-5! N09-9! ID1-1! ID1-1! AN1-1!",
    "GS": "ID2-2! AN2-15! AN2-15! DT8-8! TM4-8! N01-9! ID1-2! AN1-12!",
    "ST": "ID3-3! AN4-9! AN1-35",
    "SE": "N01-10! AN4-9!",
    "GE": "N01-6! N01-9!",
    "IEA": "N01-5! N09-9!",
}


def _element(word: str) -> ElementDef:
    mandatory = word.endswith("!")
    word = word.rstrip("!")
    if word.startswith("C("):
        parts = tuple(_element(w) for w in word[2:-1].split(","))
        return ElementDef("C", 0, 0, mandatory, parts)
    for t in ("AN", "ID", "N0", "N2", "DT", "TM", "R"):
        if word.startswith(t):
            lo, hi = word[len(t) :].split("-")
            return ElementDef(t, int(lo), int(hi), mandatory)
    raise ValueError(word)


SEGMENTS: dict[str, tuple[ElementDef, ...]] = {
    sid: tuple(_element(w) for w in text.split()) for sid, text in _TEXT.items()
}


# Syntax notes of the X12 standard (relational conditions between elements of a segment):
# P paired (all or none), R required (at least one), C conditional (if the first, all the
# others), E exclusion (at most one), L list conditional (if the first, at least one other).
RELATIONS: dict[str, tuple[tuple[str, tuple[int, ...]], ...]] = {
    "NM1": (("P", (8, 9)), ("C", (11, 10)), ("C", (12, 10))),
    "N1": (("R", (2, 3)), ("P", (3, 4))),
    "N4": (("E", (2, 7)), ("C", (6, 5))),
    "REF": (("R", (2, 3)),),
    "PER": (("P", (3, 4)), ("P", (5, 6)), ("P", (7, 8))),
    "DTM": (("R", (2, 3, 5)), ("C", (4, 3)), ("P", (5, 6))),
    "CAS": (
        ("L", (5, 6, 7)),
        ("C", (6, 5)),
        ("C", (7, 5)),
        ("L", (8, 9, 10)),
        ("C", (9, 8)),
        ("C", (10, 8)),
        ("L", (11, 12, 13)),
        ("C", (12, 11)),
        ("C", (13, 11)),
        ("L", (14, 15, 16)),
        ("C", (15, 14)),
        ("C", (16, 14)),
        ("L", (17, 18, 19)),
        ("C", (18, 17)),
        ("C", (19, 17)),
    ),
    "PLB": (("P", (5, 6)), ("P", (7, 8)), ("P", (9, 10)), ("P", (11, 12)), ("P", (13, 14))),
    "SBR": (),
    "DMG": (("P", (1, 2)),),
    "AMT": (),
    "CTP": (("P", (4, 5)),),
    "HL": (),
    "SVD": (),
    "PRV": (("P", (2, 3)),),
    "CUR": (),
    "BPR": (("P", (6, 7)), ("C", (8, 9)), ("P", (12, 13)), ("C", (14, 15))),
    "TRN": (),
    "LQ": (("C", (1, 2)),),
    "IK4": (),
}
