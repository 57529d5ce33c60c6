"""837 Institutional claim, 005010X223A2."""

from oncobill.x12.spec import parse_spec

SPEC = parse_spec(
    "837",
    "005010X223A2",
    "HC",
    "Health Care Claim: Institutional",
    """
BHT R 1 01=0019 02=00|18 06=CH|RP|31 req=1,2,3,4,5,6
LOOP 1000A R 1 Submitter Name
  NM1 R 1 @01=41 02=1|2 08=46 req=1,2,3,8,9
  PER R 2 01=IC 03=ED|EM|FX|TE
LOOP 1000B R 1 Receiver Name
  NM1 R 1 @01=40 02=2 08=46 req=1,2,3,8,9
LOOP 2000A R >1 Billing Provider Hierarchical Level
  HL R 1 @03=20 04=1 req=1,3,4 nu=2
  PRV S 1 01=BI 02=PXC
  CUR S 1 01=85
  LOOP 2010AA R 1 Billing Provider Name
    NM1 R 1 @01=85 02=2 08=XX req=1,2,3,8,9 nu=4,5,6,7,10,11,12
    N3 R 1 req=1
    N4 R 1 req=1,2,3 nu=5,6
    REF R 1 @01=EI req=1,2 nu=3
    PER S 2 01=IC 03=EM|FX|TE
  LOOP 2010AB S 1 Pay-to Address Name
    NM1 R 1 @01=87 02=2
    N3 R 1 req=1
    N4 R 1 req=1,2,3
  LOOP 2010AC S 1 Pay-To Plan Name
    NM1 R 1 @01=PE 02=2
    N3 R 1 req=1
    N4 R 1 req=1,2,3
    REF S 1 @01=2U|FY|NF req=1,2
    REF R 1 @01=EI req=1,2
  LOOP 2000B R >1 Subscriber Hierarchical Level
    HL R 1 @03=22 04=0|1 req=1,3,4
    SBR R 1 01=A|B|C|D|E|F|G|H|P|S|T|U req=1,9 nu=5,6,7,8
    LOOP 2010BA R 1 Subscriber Name
      NM1 R 1 @01=IL 02=1|2 08=II|MI req=1,2,3,8,9 nu=6,10,11,12
      N3 S 1 req=1
      N4 S 1 req=1,2,3 nu=5,6
      DMG S 1 01=D8 03=F|M|U req=1,2,3
      REF S 1 @01=SY req=1,2
      REF S 1 @01=Y4 req=1,2
    LOOP 2010BB R 1 Payer Name
      NM1 R 1 @01=PR 02=2 08=PI|XV req=1,2,3,8,9 nu=4,5,6,7,10,11,12
      N3 S 1 req=1
      N4 S 1 req=1,2,3 nu=5,6
      REF S 3 @01=2U|EI|FY|NF req=1,2
      REF S 2 @01=G2|LU req=1,2
    LOOP 2300 S 100 Claim Information
      CLM R 1 07=A|B|C 08=N|W|Y 09=I|Y req=1,2,5,7,8,9 nu=3,4,6,10,11,12,13,14,15,16,17,18,19
      DTP S 1 @01=096 req=1,2,3
      DTP R 1 @01=434 02=RD8 req=1,2,3
      DTP S 1 @01=435 req=1,2,3
      DTP S 1 @01=050 req=1,2,3
      CL1 R 1 req=3
      PWK S 10
      CN1 S 1
      AMT S 1 @01=F3 req=1,2
      REF S 12 @01=4N|9F|G1|F8|9A|9C|LX|D9|LU|EA|P4|G4 req=1,2
      K3 S 10
      NTE S 11
      CRC S 1 @01=ZZ
      HI R 24 req=1
      HCP S 1
      LOOP 2310A S 1 Attending Provider Name
        NM1 R 1 @01=71 02=1
        PRV S 1 01=AT 02=PXC
        REF S 4 01=0B|1G|G2|LU req=1,2
      LOOP 2310B S 1 Operating Physician Name
        NM1 R 1 @01=72 02=1
        REF S 4 01=0B|1G|G2|LU req=1,2
      LOOP 2310C S 1 Other Operating Physician Name
        NM1 R 1 @01=ZZ 02=1
        REF S 4 01=0B|1G|G2|LU req=1,2
      LOOP 2310D S 1 Rendering Provider Name
        NM1 R 1 @01=82 02=1
        REF S 4 01=0B|1G|G2|LU req=1,2
      LOOP 2310E S 1 Service Facility Location Name
        NM1 R 1 @01=77 02=2
        N3 R 1 req=1
        N4 R 1 req=1,2,3
        REF S 3 01=0B|G2|LU req=1,2
      LOOP 2310F S 1 Referring Provider Name
        NM1 R 1 @01=DN 02=1
        REF S 3 01=0B|1G|G2 req=1,2
      LOOP 2320 S 10 Other Subscriber Information
        SBR R 1 01=A|B|C|D|E|F|G|H|P|S|T|U req=1,9
        CAS S 5 01=CO|CR|OA|PI|PR
        AMT S 1 @01=D req=1,2
        AMT S 1 @01=EAF req=1,2
        AMT S 1 @01=A8 req=1,2
        OI R 1 03=N|W|Y req=3,6
        MIA S 1
        MOA S 1
        LOOP 2330A R 1 Other Subscriber Name
          NM1 R 1 @01=IL 02=1|2 req=1,2,3,8,9
          N3 S 1 req=1
          N4 S 1 req=1,2,3
          REF S 2 01=SY req=1,2
        LOOP 2330B R 1 Other Payer Name
          NM1 R 1 @01=PR 02=2 req=1,2,3,8,9
          N3 S 1 req=1
          N4 S 1 req=1,2,3
          DTP S 1 @01=573 req=1,2,3
          REF S 6 @01=2U|EI|FY|NF|G1|9F|T4|F8 req=1,2
        LOOP 2330C S 1 Other Payer Attending Provider
          NM1 R 1 @01=71 02=1
          REF R 4 01=0B|1G|G2|LU req=1,2
        LOOP 2330D S 1 Other Payer Operating Physician
          NM1 R 1 @01=72 02=1
          REF R 4 01=0B|1G|G2|LU req=1,2
        LOOP 2330E S 1 Other Payer Other Operating Physician
          NM1 R 1 @01=ZZ 02=1
          REF R 4 01=0B|1G|G2|LU req=1,2
        LOOP 2330F S 1 Other Payer Service Facility Location
          NM1 R 1 @01=77 02=2
          REF R 3 01=0B|G2|LU req=1,2
        LOOP 2330G S 1 Other Payer Rendering Provider Name
          NM1 R 1 @01=82 02=1
          REF R 4 01=0B|1G|G2|LU req=1,2
        LOOP 2330H S 1 Other Payer Referring Provider
          NM1 R 1 @01=DN 02=1
          REF R 3 01=0B|1G|G2 req=1,2
        LOOP 2330I S 1 Other Payer Billing Provider
          NM1 R 1 @01=85 02=2
          REF R 2 01=G2|LU req=1,2
      LOOP 2400 R 999 Service Line Number
        LX R 1 req=1
        SV2 R 1 04=DA|UN req=1,3,4,5 nu=6,8,9
        PWK S 10
        DTP S 1 @01=472 02=D8|RD8 req=1,2,3
        REF S 3 @01=6R|9B|9D req=1,2 nu=3
        AMT S 2 @01=GT|N8 req=1,2
        NTE S 1 @01=TPO
        HCP S 1
        LOOP 2410 S 1 Drug Identification
          LIN R 1 02=N4 req=2,3 nu=1
          CTP R 1 05-1=F2|GR|ME|ML|UN req=4,5 nu=1,2,3,6,7,8,9,10,11
          REF S 1 @01=VY|XZ req=1,2
        LOOP 2420A S 1 Operating Physician Name
          NM1 R 1 @01=72 02=1
          REF S 20 01=0B|1G|G2|LU req=1,2
        LOOP 2420B S 1 Other Operating Physician Name
          NM1 R 1 @01=ZZ 02=1
          REF S 20 01=0B|1G|G2|LU req=1,2
        LOOP 2420C S 1 Rendering Provider Name
          NM1 R 1 @01=82 02=1
          REF S 20 01=0B|1G|G2|LU req=1,2
        LOOP 2420D S 1 Referring Provider Name
          NM1 R 1 @01=DN 02=1
          REF S 20 01=0B|1G|G2 req=1,2
        LOOP 2430 S 15 Line Adjudication Information
          SVD R 1 req=1,2,3,5
          CAS S 5 01=CO|CR|OA|PI|PR
          DTP R 1 @01=573 02=D8 req=1,2,3
          AMT S 1 @01=EAF req=1,2
    LOOP 2000C S >1 Patient Hierarchical Level
      HL R 1 @03=23 04=0 req=1,3,4
      PAT R 1 req=1
      LOOP 2010CA R 1 Patient Name
        NM1 R 1 @01=QC 02=1 req=1,2,3
        N3 R 1 req=1
        N4 R 1 req=1,2,3
        DMG R 1 01=D8 03=F|M|U req=1,2,3
        REF S 2 @01=Y4|1W|SY req=1,2
      LOOP 2300 R 100 Claim Information = 2300
""",
)
