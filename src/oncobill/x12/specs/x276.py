"""276/277 Health Care Claim Status Request and Response, 005010X212."""

from oncobill.x12.spec import parse_spec

SPEC_276 = parse_spec(
    "276",
    "005010X212",
    "HR",
    "Health Care Claim Status Request",
    """
BHT R 1 01=0010 02=13
LOOP 2000A R >1 Information Source Level
  HL R 1 @03=20 04=1
  LOOP 2100A R 1 Payer Name
    NM1 R 1 @01=PR 02=2
  LOOP 2000B R >1 Information Receiver Level
    HL R 1 @03=21 04=1
    LOOP 2100B R 1 Information Receiver Name
      NM1 R 1 @01=41 02=1|2
    LOOP 2000C R >1 Service Provider Level
      HL R 1 @03=19 04=1
      LOOP 2100C R 1 Provider Name
        NM1 R 1 @01=1P 02=1|2
      LOOP 2000D R >1 Subscriber Level
        HL R 1 @03=22 04=0|1
        DMG S 1 01=D8
        LOOP 2100D R 1 Subscriber Name
          NM1 R 1 @01=IL 02=1|2
        LOOP 2200D S >1 Claim Status Tracking Number
          TRN R 1 @01=1
          REF S 1 @01=BLT
          REF S 1 @01=1K
          REF S 1 @01=EJ
          REF S 1 @01=XZ
          REF S 1 @01=VV
          REF S 1 @01=D9
          AMT S 1 @01=T3
          DTP S 1 @01=472
          LOOP 2210D S >1 Service Line Information
            SVC R 1
            REF S 1 @01=FJ
            DTP S 1 @01=472
        LOOP 2000E S >1 Dependent Level
          HL R 1 @03=23 04=0
          DMG S 1 01=D8
          LOOP 2100E R 1 Dependent Name
            NM1 R 1 @01=QC 02=1
          LOOP 2200E R >1 Claim Status Tracking Number
            TRN R 1 @01=1
            REF S 6 @01=BLT|1K|EJ|XZ|VV|D9
            AMT S 1 @01=T3
            DTP S 1 @01=472
            LOOP 2210E S >1 Service Line Information
              SVC R 1
              REF S 1 @01=FJ
              DTP S 1 @01=472
""",
)

SPEC_277 = parse_spec(
    "277",
    "005010X212",
    "HN",
    "Health Care Claim Status Response",
    """
BHT R 1 01=0010 02=08 06=DG
LOOP 2000A R >1 Information Source Level
  HL R 1 @03=20 04=1
  LOOP 2100A R 1 Payer Name
    NM1 R 1 @01=PR 02=2
    PER S 3
  LOOP 2000B R >1 Information Receiver Level
    HL R 1 @03=21 04=0|1
    LOOP 2100B R 1 Information Receiver Name
      NM1 R 1 @01=41 02=1|2
    LOOP 2200B S 1 Information Receiver Application Trace Identifier
      TRN R 1 @01=1|2
      STC R >1
    LOOP 2000C S >1 Service Provider Level
      HL R 1 @03=19 04=0|1
      LOOP 2100C R 1 Provider Name
        NM1 R 1 @01=1P 02=1|2
      LOOP 2200C S 1 Provider of Service Trace Identifier
        TRN R 1 @01=1|2
        STC R >1
      LOOP 2000D S >1 Subscriber Level
        HL R 1 @03=22 04=0|1
        LOOP 2100D R 1 Subscriber Name
          NM1 R 1 @01=IL 02=1|2
        LOOP 2200D S >1 Claim Status Tracking Number
          TRN R 1 @01=2
          STC R >1
          REF S 1 @01=1K
          REF S 1 @01=BLT
          REF S 1 @01=EJ
          REF S 1 @01=XZ
          REF S 1 @01=VV
          REF S 1 @01=D9
          DTP S 1 @01=472
          LOOP 2220D S >1 Service Line Information
            SVC R 1
            STC R >1
            REF S 1 @01=FJ
            DTP S 1 @01=472
        LOOP 2000E S >1 Dependent Level
          HL R 1 @03=23 04=0
          LOOP 2100E R 1 Dependent Name
            NM1 R 1 @01=QC 02=1
          LOOP 2200E R >1 Claim Status Tracking Number
            TRN R 1 @01=2
            STC R >1
            REF S 6 @01=1K|BLT|EJ|XZ|VV|D9
            DTP S 1 @01=472
            LOOP 2220E S >1 Service Line Information
              SVC R 1
              STC R >1
              REF S 1 @01=FJ
              DTP S 1 @01=472
""",
)

SPECS = (SPEC_276, SPEC_277)
