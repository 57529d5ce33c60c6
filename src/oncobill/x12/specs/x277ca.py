"""277CA Health Care Claim Acknowledgment, 005010X214."""

from oncobill.x12.spec import parse_spec

SPEC = parse_spec(
    "277",
    "005010X214",
    "HN",
    "Health Care Claim Acknowledgment",
    """
BHT R 1 01=0085 02=08 06=TH
LOOP 2000A R >1 Information Source Level
  HL R 1 @03=20 04=1 nu=2
  LOOP 2100A R 1 Information Source Name
    NM1 R 1 @01=PR|AY 02=2 nu=4,5,6,7,10,11,12
  LOOP 2200A R >1 Transmission Receipt Control Identifier
    TRN R 1 @01=1 nu=3,4
    DTP R 1 @01=050 02=D8
    DTP R 1 @01=009 02=D8
  LOOP 2000B R >1 Information Receiver Level
    HL R 1 @03=21 04=0|1
    LOOP 2100B R 1 Information Receiver Name
      NM1 R 1 @01=41 02=1|2 nu=6,7,10,11,12
    LOOP 2200B R 1 Information Receiver Trace Identifier
      TRN R 1 @01=2 nu=3,4
      STC R >1 nu=5,6,7,8,9,12
      QTY S 2 @01=90|AA
      AMT S 2 @01=YU|YY nu=3
    LOOP 2000C R >1 Billing Provider of Service Level
      HL R 1 @03=19 04=0|1
      LOOP 2100C R 1 Billing Provider Name
        NM1 R 1 @01=85 02=1|2 nu=10,11
      LOOP 2200C R 1 Provider of Service Information Trace Identifier
        TRN R 1 @01=1 nu=3,4
        STC R >1 nu=2,5,6,7,8,9,12
        REF S 3 @01=0B|1G|G2|LU|SY|TJ nu=3
        QTY S 2 @01=QA|QC
        AMT S 2 @01=YU|YY nu=3
      LOOP 2000D R >1 Patient Level
        HL R 1 @03=PT 04=0 nu=4
        LOOP 2100D R 1 Patient Name
          NM1 R 1 @01=QC 02=1 nu=10,11
        LOOP 2200D S >1 Claim Status Tracking Number
          TRN R 1 @01=2 nu=3,4
          STC R >1 nu=5,6,7,8,9
          REF S 1 @01=1K nu=3
          REF S 1 @01=D9 nu=3
          REF S 1 @01=BLT nu=3
          DTP R 1 @01=472 02=D8|RD8
          LOOP 2220D S >1 Service Line Information
            SVC R 1
            STC R >1
            REF S 1 @01=FJ
            DTP S 1 @01=472 02=D8|RD8
""",
)
