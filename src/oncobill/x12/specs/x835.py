"""835 Health Care Claim Payment/Advice, 005010X221A1."""

from oncobill.x12.spec import parse_spec

SPEC = parse_spec(
    "835",
    "005010X221A1",
    "HP",
    "Health Care Claim Payment/Advice",
    """
BPR R 1 01=C|D|H|I|P|U|X 03=C|D 04=ACH|BOP|CHK|FWT|NON
TRN R 1 01=1
CUR S 1 01=PR
REF S 1 @01=EV
REF S 1 @01=F2
DTM S 1 @01=405
LOOP 1000A R 1 Payer Identification
  N1 R 1 @01=PR
  N3 R 1
  N4 R 1
  REF S 4 @01=2U|EO|HI|NF
  PER S 1 @01=CX
  PER R >1 @01=BL
  PER S 1 @01=IC
LOOP 1000B R 1 Payee Identification
  N1 R 1 @01=PE 03=FI|XV|XX
  N3 S 1
  N4 S 1
  REF S >1 @01=0B|D3|PQ|TJ
  RDM S 1
LOOP 2000 S >1 Header Number
  LX R 1
  TS3 S 1
  TS2 S 1
  LOOP 2100 R >1 Claim Payment Information
    CLP R 1 02=1|2|3|4|19|20|21|22|23|25
    CAS S 99 01=CO|OA|PI|PR
    NM1 R 1 @01=QC 02=1
    NM1 S 1 @01=IL 02=1|2
    NM1 S 1 @01=74 02=1|2
    NM1 S 1 @01=82 02=1|2
    NM1 S 1 @01=TT 02=2
    NM1 S 1 @01=PR 02=2
    NM1 S 1 @01=GB 02=1|2
    MIA S 1
    MOA S 1
    REF S 5 @01=1L|1W|28|6P|9A|9C|BB|CE|EA|F8|G1|G3|IG|SY
    REF S 10 @01=0B|1A|1B|1C|1D|1G|1H|1J|D3|G2|LU
    DTM S 2 @01=232|233
    DTM S 1 @01=036
    DTM S 1 @01=050
    PER S 2 @01=CX
    AMT S 13
    QTY S 14
    LOOP 2110 S 999 Service Payment Information
      SVC R 1 01-1=AD|ER|HC|HP|IV|N4|NU|WK
      DTM S 2 @01=150|151|472
      CAS S 99 01=CO|OA|PI|PR
      REF S 8 @01=1S|APC|BB|E9|G1|G3|LU|RB
      REF S 1 @01=6R
      REF S 10 @01=0B|1A|1B|1C|1D|1G|1H|1J|D3|G2|HPI|SY|TJ
      REF S 5 @01=0K
      AMT S 9
      QTY S 6
      LQ S 99 01=HE|RX
PLB S >1
""",
    st03=False,
)
