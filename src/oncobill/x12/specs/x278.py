"""278 Health Care Services Review (prior authorization) request and response, 005010X217.

Request (BHT02 13) and response (BHT02 11) share one transaction code and version, so
one spec carries the segments of both; the validator checks which BHT02 it is.
"""

from oncobill.x12.spec import parse_spec

_REVIEW = """
  UM R 1 01=AR|HS|SC|IN
  HCR S 1 01=A1|A2|A3|A4|A6|C|CT|D|IP|NA
  REF S 9
  DTP S 9
  HI S 2
  HSD S 1
  CRC S 10
  CL1 S 1
  CR1 S 1
  CR2 S 1
  CR5 S 1
  CR6 S 1
  PWK S 10
  MSG S 1
"""

SPEC = parse_spec(
    "278",
    "005010X217",
    "HI",
    "Health Care Services Review: Request for Review and Response",
    """
BHT R 1 01=0007 02=01|11|13|36
LOOP 2000A R 1 Utilization Management Organization Level
  HL R 1 @03=20 04=1
  AAA S 9
  LOOP 2010A R 1 Utilization Management Organization Name
    NM1 R 1 @01=X3 02=1|2
    PER S 3
    AAA S 9
  LOOP 2000B R 1 Requester Level
    HL R 1 @03=21 04=1
    LOOP 2010B R 1 Requester Name
      NM1 R 1 @01=1P|FA 02=1|2
      REF S 9
      N3 S 1
      N4 S 1
      PER S 1
      AAA S 9
      PRV S 1
    LOOP 2000C R 1 Subscriber Level
      HL R 1 @03=22 04=0|1
      TRN S 2 @01=1|2
      AAA S 9
      LOOP 2010C R 1 Subscriber Name
        NM1 R 1 @01=IL 02=1
        REF S 9
        N3 S 1
        N4 S 1
        AAA S 9
        DMG S 1 01=D8
        INS S 1
      LOOP 2000D S 1 Dependent Level
        HL R 1 @03=23 04=0|1
        TRN S 2 @01=1|2
        AAA S 9
        LOOP 2010D R 1 Dependent Name
          NM1 R 1 @01=QC 02=1
          REF S 9
          N3 S 1
          N4 S 1
          AAA S 9
          DMG S 1 01=D8
          INS S 1
        LOOP 2000E R >1 Patient Event Level
          HL R 1 @03=EV 04=0|1
          TRN S 2 @01=1|2
          AAA S 9
"""
    + "\n".join(" " * 8 + x for x in _REVIEW.strip("\n").splitlines())
    + """
          LOOP 2010EA S 12 Patient Event Provider Name
            NM1 R 1 @01=1T|72|71|73|77|AAJ|DD|DK|DN|FA|G3|P3|QB|QV|SJ 02=1|2
            REF S 7
            N3 S 1
            N4 S 1
            PER S 1
            AAA S 9
            PRV S 1
          LOOP 2010EB S 1 Patient Event Transport Information
            NM1 R 1 @01=45|FS|ND|PW|R3 02=2
            N3 R 1
            N4 R 1
          LOOP 2010EC S 1 Patient Event Other UMO Name
            NM1 R 1 @01=2B|X3 02=1|2
            REF S 1
            DTP S 1
          LOOP 2000F S >1 Service Level
            HL R 1 @03=SS 04=0
            TRN S 2 @01=1|2
            AAA S 9
            UM R 1
            HCR S 1
            REF S 9
            DTP S 1
            SV1 S 1
            SV2 S 1
            SV3 S 1
            TOO S 32
            HSD S 1
            PWK S 10
            MSG S 1
            LOOP 2010F S 3 Service Provider Name
              NM1 R 1 @01=1T|72|71|73|77|AAJ|DD|DK|DN|FA|G3|P3|QB|QV|SJ 02=1|2
              REF S 7
              N3 S 1
              N4 S 1
              PER S 1
              AAA S 9
              PRV S 1
      LOOP 2000E S >1 Patient Event Level = 2000E
""",
)
