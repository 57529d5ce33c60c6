"""835 Health Care Claim Payment/Advice, 005010X221A1."""

from oncobill.x12.spec import parse_spec

SPEC = parse_spec(
    "835",
    "005010X221A1",
    "HP",
    "Health Care Claim Payment/Advice",
    """
BPR R 1 01=C|D|H|I|P|U|X 03=C|D 04=ACH|BOP|CHK|FWT|NON req=1,2,3,4,16
TRN R 1 01=1 req=1,2,3
CUR S 1 01=PR
REF S 1 @01=EV req=1,2 nu=3
REF S 1 @01=F2 req=1,2 nu=3
DTM S 1 @01=405 req=1,2 nu=3,4,5,6
LOOP 1000A R 1 Payer Identification
  N1 R 1 @01=PR req=1,2
  N3 R 1 req=1
  N4 R 1 req=1,2,3 nu=5,6
  REF S 4 @01=2U|EO|HI|NF req=1,2 nu=3
  PER S 1 @01=CX req=1 nu=9
  PER R >1 @01=BL req=1 nu=9
  PER S 1 @01=IC req=1 nu=9
LOOP 1000B R 1 Payee Identification
  N1 R 1 @01=PE 03=FI|XV|XX req=1,2,3,4
  N3 S 1 req=1
  N4 S 1 req=1,2,3 nu=5,6
  REF S >1 @01=0B|D3|PQ|TJ req=1,2 nu=3
  RDM S 1
LOOP 2000 S >1 Header Number
  LX R 1 req=1
  TS3 S 1 nu=6,7,8,9,10,11,12,14,16,19
  TS2 S 1
  LOOP 2100 R >1 Claim Payment Information
    CLP R 1 02=1|2|3|4|19|20|21|22|23|25 req=1,2,3,4,6,7 nu=10,14
    CAS S 99 01=CO|OA|PI|PR req=1,2,3
    NM1 R 1 @01=QC 02=1 req=1,2 nu=6,10,11,12
    NM1 S 1 @01=IL 02=1|2 nu=6,10,11,12
    NM1 S 1 @01=74 02=1|2 nu=6,10,11,12
    NM1 S 1 @01=82 02=1|2 nu=6,10,11,12
    NM1 S 1 @01=TT 02=2 nu=6,10,11,12
    NM1 S 1 @01=PR 02=2 nu=6,10,11,12
    NM1 S 1 @01=GB 02=1|2 nu=6,10,11,12
    MIA S 1
    MOA S 1
    REF S 5 @01=1L|1W|28|6P|9A|9C|BB|CE|EA|F8|G1|G3|IG|SY req=1,2 nu=3
    REF S 10 @01=0B|1A|1B|1C|1D|1G|1H|1J|D3|G2|LU req=1,2 nu=3
    DTM S 2 @01=232|233 req=1,2 nu=3,4,5,6
    DTM S 1 @01=036 req=1,2 nu=3,4,5,6
    DTM S 1 @01=050 req=1,2 nu=3,4,5,6
    PER S 2 @01=CX req=1 nu=9
    AMT S 13 req=1,2 nu=3
    QTY S 14
    LOOP 2110 S 999 Service Payment Information
      SVC R 1 01-1=AD|ER|HC|HP|IV|N4|NU|WK req=1,2,3
      DTM S 2 @01=150|151|472 req=1,2 nu=3,4,5,6
      CAS S 99 01=CO|OA|PI|PR req=1,2,3
      REF S 8 @01=1S|APC|BB|E9|G1|G3|LU|RB req=1,2 nu=3
      REF S 1 @01=6R req=1,2 nu=3
      REF S 10 @01=0B|1A|1B|1C|1D|1G|1H|1J|D3|G2|HPI|SY|TJ req=1,2 nu=3
      REF S 5 @01=0K req=1,2 nu=3
      AMT S 9 req=1,2 nu=3
      QTY S 6
      LQ S 99 01=HE|RX req=1,2
PLB S >1 req=1,2,3,4
""",
    st03=False,
)
