"""Property tests: documents OncoBill writes pass pyx12 with zero errors and read back equal.

pyx12 is slow, so each property runs a bounded number of examples."""

from __future__ import annotations

from datetime import datetime

from hypothesis import HealthCheck, Phase, given, settings

from oncobill.x12 import read, write
from oncobill.x12.acks import build_277ca, build_999, read_277ca, read_999
from oncobill.x12.claims837 import build_837p, read_837p
from oncobill.x12.fast835 import read_remittances
from oncobill.x12.institutional837 import build_837i, read_837i
from oncobill.x12.remit835 import build_remittance, read_remittance
from oncobill.x12.specs import spec_for
from oncobill.x12.validate import validate
from oncobill.x12.writer import build_interchange

from . import strategies as s
from .oracle import pyx12_errors

PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.generate],
)
WHEN = datetime(2026, 11, 2, 9, 30)


def _interchange(txn) -> str:
    ic = build_interchange([(txn.spec, [txn])], sender_id="SENDER01", receiver_id="RECEIVER01", control_number=42,
                           when=WHEN)  # fmt: skip
    return write(ic)


def _only(text: str):
    txns = list(read(text).transactions())
    assert len(txns) == 1
    return txns[0]


def _claims_by_pcn(doc):
    return sorted(doc.claims, key=lambda c: (c.patient_control_number, str(c.charge)))


@PROPERTY
@given(s.professional_claims())
def test_837p_we_write_passes_pyx12_and_reads_back(doc):
    text = _interchange(build_837p(doc))
    assert pyx12_errors(text) == []
    assert validate(text).errors() == []  # and our own SNIP 1-4 checks, balancing included
    back = read_837p(_only(text))
    assert [c.patient_control_number for c in _claims_by_pcn(back)] == [
        c.patient_control_number for c in _claims_by_pcn(doc)
    ]
    assert write(read(text)) == text  # parse, write, parse: the same text (COB loops included)
    for got, want in zip(_claims_by_pcn(back), _claims_by_pcn(doc)):
        assert got.lines == want.lines
        assert got.charge == want.charge and got.diagnoses == want.diagnoses
        assert got.other_payers == want.other_payers
        assert got.billing_provider.npi == want.billing_provider.npi
        assert (got.patient is None) == (want.patient is None)


@PROPERTY
@given(s.institutional_claims())
def test_837i_we_write_passes_pyx12_and_reads_back(doc):
    text = _interchange(build_837i(doc))
    assert pyx12_errors(text) == []
    assert validate(text).errors() == []
    back = read_837i(_only(text))
    assert [(c.patient_control_number, c.lines, c.prior_authorization, c.other_payers)
            for c in _claims_by_pcn(back)] == [
        (c.patient_control_number, c.lines, c.prior_authorization, c.other_payers) for c in _claims_by_pcn(doc)
    ]
    assert write(read(text)) == text  # parse, write, parse: the same text (COB loops included)


@PROPERTY
@given(s.remittances())
def test_835_we_write_passes_pyx12_balances_and_reads_back(remit):
    text = _interchange(build_remittance(remit))
    assert pyx12_errors(text) == []
    assert validate(text).errors() == []  # line, claim and transaction balancing included
    back = read_remittance(_only(text))
    assert back == remit
    assert read_remittances(text) == [remit]
    # The transaction balances: sum of claim payments less provider adjustments is BPR02.
    assert (
        sum(c.paid for c in back.claims) - sum(p.amount for p in back.provider_adjustments)
        == back.payment_amount
    )


@PROPERTY
@given(s.claim_acknowledgments())
def test_277ca_we_write_passes_pyx12_and_reads_back(report):
    text = _interchange(build_277ca(report))
    assert pyx12_errors(text) == []
    assert read_277ca(_only(text)) == report


@PROPERTY
@given(s.implementation_acks())
def test_999_we_write_passes_pyx12_and_reads_back(ack):
    text = _interchange(build_999(ack))
    assert pyx12_errors(text) == []
    assert read_999(_only(text)) == ack


def test_specs_are_registered_for_every_transaction():
    for code, version in [("835", "005010X221A1"), ("837", "005010X222A1"), ("837", "005010X223A2"),
                          ("999", "005010X231A1"), ("277", "005010X214"), ("277", "005010X212"),
                          ("276", "005010X212"), ("270", "005010X279A1"), ("271", "005010X279A1"),
                          ("278", "005010X217")]:  # fmt: skip
        assert spec_for(code, version).version == version


def test_generators_reach_the_cases_the_issue_names():
    """The 837P strategy does produce drug lines, COB (with MOA, 2330B REF*F8, and a bypassed payer's
    AMT*A8), several providers and dependents; the 835 strategy reversals and PLB (so the pyx12
    properties above cover them)."""
    seen: set[str] = set()

    @settings(max_examples=40, deadline=None, database=None, phases=[Phase.generate])
    @given(s.professional_claims(), s.remittances())
    def sample(doc, remit):
        claims = doc.claims
        seen.update(
            name
            for name, hit in (
                ("drug", any(ln.drug for c in claims for ln in c.lines)),
                ("cob", any(c.other_payers and c.lines[0].adjudications for c in claims)),
                ("moa", any(op.outpatient_adjudication for c in claims for op in c.other_payers)),
                ("f8", any(op.claim_control_number for c in claims for op in c.other_payers)),
                ("a8", any(op.non_covered is not None for c in claims for op in c.other_payers)),
                ("providers", len({c.billing_provider.npi for c in claims}) > 1),
                ("dependent", any(c.patient for c in claims)),
                ("reversal", any(c.status == "22" for c in remit.claims)),
                ("plb", bool(remit.provider_adjustments)),
            )
            if hit
        )

    sample()
    assert seen == {"drug", "cob", "moa", "f8", "a8", "providers", "dependent", "reversal", "plb"}
