"""270/271 Eligibility, Coverage or Benefit Inquiry and Information, 005010X279A1."""

from oncobill.x12.spec import parse_spec

_NAME_270 = """
  NM1 R 1 @01=03 02=1
  REF S 9
  N3 S 1
  N4 S 1
  PRV S 1
  DMG S 1 01=D8
  INS S 1
  HI S 1
  DTP S 2 01=291|307|435|472
"""

SPEC_270 = parse_spec(
    "270",
    "005010X279A1",
    "HS",
    "Eligibility, Coverage or Benefit Inquiry",
    """
BHT R 1 01=0022 02=01|13
LOOP 2000A R >1 Information Source Level
  HL R 1 @03=20 04=1
  LOOP 2100A R 1 Information Source Name
    NM1 R 1 @01=2B|36|GP|P5|PR 02=1|2
  LOOP 2000B R >1 Information Receiver Level
    HL R 1 @03=21 04=1
    LOOP 2100B R 1 Information Receiver Name
      NM1 R 1 @01=1P|2B|36|80|FA|GP|P5|PR 02=1|2
      REF S 9
      N3 S 1
      N4 S 1
      PRV S 1
    LOOP 2000C R >1 Subscriber Level
      HL R 1 @03=22 04=0|1
      TRN S 2 @01=1
      LOOP 2100C R 1 Subscriber Name
        NM1 R 1 @01=IL 02=1|2
        REF S 9
        N3 S 1
        N4 S 1
        PRV S 1
        DMG S 1 01=D8
        INS S 1
        HI S 1
        DTP S 2 01=291|307|435|472
        LOOP 2110C S 99 Subscriber Eligibility or Benefit Inquiry
          EQ R 1
          AMT S 2 @01=R|PB
          III S 10
          REF S 1 @01=9F|G1
          DTP S 1 @01=291|307|435|472
      LOOP 2000D S >1 Dependent Level
        HL R 1 @03=23 04=0
        TRN S 2 @01=1
        LOOP 2100D R 1 Dependent Name
          NM1 R 1 @01=03 02=1
          REF S 3
          N3 S 1
          N4 S 1
          PRV S 1
          DMG S 1 01=D8
          INS S 1
          HI S 1
          DTP S 2 01=291|307|435|472
          LOOP 2110D R 99 Dependent Eligibility or Benefit Inquiry
            EQ R 1
            III S 10
            REF S 1 @01=9F|G1
            DTP S 1 @01=291|307|435|472
""",
)

_BENEFIT = """
          EB R 1
          HSD S 9
          REF S 9
          DTP S 20
          AAA S 9
          MSG S 10
          LOOP 2115{L} S 10 Eligibility or Benefit Additional Information
            III R 1
          LS S 1
          LOOP 2120{L} S 23 Benefit Related Entity Name
            NM1 R 1
            N3 S 1
            N4 S 1
            PER S 3
            PRV S 1
          LE S 1
"""

SPEC_271 = parse_spec(
    "271",
    "005010X279A1",
    "HB",
    "Eligibility, Coverage or Benefit Information",
    """
BHT R 1 01=0022 02=06|11
LOOP 2000A R >1 Information Source Level
  HL R 1 @03=20 04=0|1
  AAA S 9
  LOOP 2100A R 1 Information Source Name
    NM1 R 1 @01=2B|36|GP|P5|PR 02=1|2
    PER S 3
    AAA S 9
  LOOP 2000B S >1 Information Receiver Level
    HL R 1 @03=21 04=0|1
    LOOP 2100B R 1 Information Receiver Name
      NM1 R 1 @01=1P|2B|36|80|FA|GP|P5|PR 02=1|2
      REF S 9
      AAA S 9
      PRV S 1
    LOOP 2000C S >1 Subscriber Level
      HL R 1 @03=22 04=0|1
      TRN S 3 @01=1|2
      LOOP 2100C R 1 Subscriber Name
        NM1 R 1 @01=IL 02=1|2
        REF S 9
        N3 S 1
        N4 S 1
        AAA S 9
        PRV S 1
        DMG S 1 01=D8
        INS S 1
        HI S 1
        DTP S 9
        MPI S 1
        LOOP 2110C S >1 Subscriber Eligibility or Benefit Information
"""
    + _BENEFIT.replace("{L}", "C")
    + """
      LOOP 2000D S >1 Dependent Level
        HL R 1 @03=23 04=0
        TRN S 3 @01=1|2
        LOOP 2100D R 1 Dependent Name
          NM1 R 1 @01=03 02=1
          REF S 3
          N3 S 1
          N4 S 1
          AAA S 9
          PRV S 1
          DMG S 1 01=D8
          INS S 1
          HI S 1
          DTP S 9
          MPI S 1
          LOOP 2110D S >1 Dependent Eligibility or Benefit Information
"""
    + "\n".join("  " + line if line.strip() else line for line in _BENEFIT.replace("{L}", "D").splitlines())
    + """
""",
)

SPECS = (SPEC_270, SPEC_271)
