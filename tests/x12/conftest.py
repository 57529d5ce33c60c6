"""Shared fixtures for the X12 tests: the public corpus and a small clean 835."""

from __future__ import annotations

from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "x12-corpus"
if not CORPUS.is_dir():  # the checkout sits next to ../shared
    CORPUS = Path("/work/shared/x12-corpus")


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.glob("*/*") if p.is_file() and p.suffix != ".md")


@pytest.fixture
def corpus_dir() -> Path:
    return CORPUS


SMALL_835 = (
    "ISA*00*          *00*          *ZZ*PAYER          *ZZ*ONCOCLINIC     *260105*1200*^*00501*000000101*0*T*:~"
    "GS*HP*PAYER*ONCOCLINIC*20260105*1200*101*X*005010X221A1~"
    "ST*835*0001*005010X221A1~"
    "BPR*I*150.00*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765*20260105~"
    "TRN*1*EFT0001*1512345678~"
    "N1*PR*SYNTHETIC HEALTH PLAN~N3*1 PAYER WAY~N4*SPRINGFIELD*IL*627010000~"
    "PER*BL*PROVIDER SERVICES*TE*8005550100~"
    "N1*PE*TEST ONCOLOGY GROUP*XX*1234567893~"
    "LX*1~"
    "CLP*PCN0001*1*200.00*150.00*20.00*12*PAYERICN0001~"
    "NM1*QC*1*TESTPATIENT*ALPHA****MI*MEMBER001~"
    "SVC*HC:96413*200.00*150.00**1~"
    "DTM*472*20260102~"
    "CAS*CO*45*30.00~CAS*PR*2*20.00~"
    "REF*6R*LINE0001~"
    "SE*17*0001~GE*1*101~IEA*1*000000101~"
)
