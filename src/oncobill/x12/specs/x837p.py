"""837 Professional claim, 005010X222A1."""

from oncobill.x12.spec import parse_spec

SPEC = parse_spec(
    "837",
    "005010X222A1",
    "HC",
    "Health Care Claim: Professional",
    """
BHT R 1 01=0019 02=00|18 06=CH|RP|31 req=1,2,3,4,5,6
LOOP 1000A R 1 Submitter Name
  NM1 R 1 @01=41 02=1|2 08=46 req=1,2,3,8,9 nu=6,7,10,11,12
  PER R 2 01=IC 03=ED|EM|FX|TE nu=9
LOOP 1000B R 1 Receiver Name
  NM1 R 1 @01=40 02=2 08=46 req=1,2,3,8,9 nu=4,5,6,7,10,11,12
LOOP 2000A R >1 Billing Provider Hierarchical Level
  HL R 1 @03=20 04=1 req=1,3,4 nu=2
  PRV S 1 01=BI 02=PXC req=1,2,3
  CUR S 1 01=85
  LOOP 2010AA R 1 Billing Provider Name
    NM1 R 1 @01=85 02=1|2 08=XX req=1,2,3,8,9 nu=6,10,11,12
    N3 R 1 req=1
    N4 R 1 req=1,2,3 nu=5,6
    REF R 1 @01=EI|SY req=1,2 nu=3
    REF S 2 @01=0B|1G req=1,2 nu=3
    PER S 2 01=IC 03=EM|FX|TE nu=9
  LOOP 2010AB S 1 Pay-to Address Name
    NM1 R 1 @01=87 02=1|2 nu=3,4,5,6,7,8,9,10,11,12
    N3 R 1 req=1
    N4 R 1 req=1,2,3 nu=5,6
  LOOP 2010AC S 1 Pay-To Plan Name
    NM1 R 1 @01=PE 02=2
    N3 R 1 req=1
    N4 R 1 req=1,2,3
    REF S 1 @01=2U|FY|NF req=1,2
    REF R 1 @01=EI req=1,2
  LOOP 2000B R >1 Subscriber Hierarchical Level
    HL R 1 @03=22 04=0|1 req=1,3,4
    SBR R 1 01=A|B|C|D|E|F|G|H|P|S|T|U 09=11|12|13|14|15|16|17|AM|BL|CH|CI|DS|FI|HM|LM|MA|MB|MC|OF|TV|VA|WC|ZZ req=1,9 nu=6,7,8
    PAT S 1 nu=1,2,3,4
    LOOP 2010BA R 1 Subscriber Name
      NM1 R 1 @01=IL 02=1|2 08=II|MI req=1,2,3,8,9 nu=6,10,11,12
      N3 S 1 req=1
      N4 S 1 req=1,2,3 nu=5,6
      DMG S 1 01=D8 03=F|M|U req=1,2,3
      REF S 1 @01=SY req=1,2
      REF S 1 @01=Y4 req=1,2
      PER S 1 01=IC
    LOOP 2010BB R 1 Payer Name
      NM1 R 1 @01=PR 02=2 08=PI|XV req=1,2,3,8,9 nu=4,5,6,7,10,11,12
      N3 S 1 req=1
      N4 S 1 req=1,2,3 nu=5,6
      REF S 3 @01=2U|EI|FY|NF req=1,2 nu=3
      REF S 2 @01=G2|LU req=1,2 nu=3
    LOOP 2300 S 100 Claim Information
      CLM R 1 06=N|Y 07=A|B|C 08=N|W|Y 09=I|Y req=1,2,5,6,7,8,9 nu=3,4,13,14,15,16,17,18,19
      DTP S 18 @01=431|454|304|453|439|484|455|471|314|360|361|297|296|435|096|090|091|444|050 req=1,2,3
      PWK S 10
      CN1 S 1
      AMT S 1 @01=F5 req=1,2
      REF S 17 @01=4N|F5|EW|9F|G1|F8|X4|9A|9C|LX|D9|EA|P4|1J req=1,2 nu=3
      K3 S 10
      NTE S 1 01=ADD|CER|DCP|DGN|TPO
      CR1 S 1
      CR2 S 1
      CRC S 8
      HI R 4 req=1
      HCP S 1
      LOOP 2310A S 2 Referring Provider Name
        NM1 R 1 @01=DN|P3 02=1
        REF S 3 01=0B|1G|G2 req=1,2
      LOOP 2310B S 1 Rendering Provider Name
        NM1 R 1 @01=82 02=1|2 req=1,2,3 nu=6,10,11,12
        PRV S 1 01=PE 02=PXC req=1,2,3
        REF S 4 01=0B|1G|G2|LU req=1,2 nu=3
      LOOP 2310C S 1 Service Facility Location Name
        NM1 R 1 @01=77 02=2 req=1,2,3 nu=4,5,6,7,10,11,12
        N3 R 1 req=1
        N4 R 1 req=1,2,3 nu=5,6
        REF S 3 01=0B|G2|LU req=1,2
        PER S 1
      LOOP 2310D S 1 Supervising Provider Name
        NM1 R 1 @01=DQ 02=1
        REF S 4 01=0B|1G|G2|LU req=1,2
      LOOP 2310E S 1 Ambulance Pick-up Location
        NM1 R 1 @01=PW 02=2
        N3 R 1 req=1
        N4 R 1 req=1,2,3
      LOOP 2310F S 1 Ambulance Drop-off Location
        NM1 R 1 @01=45 02=2
        N3 R 1 req=1
        N4 R 1 req=1,2,3
      LOOP 2320 S 10 Other Subscriber Information
        SBR R 1 01=A|B|C|D|E|F|G|H|P|S|T|U req=1,9 nu=6,7,8
        CAS S 5 01=CO|CR|OA|PI|PR
        AMT S 1 @01=D req=1,2 nu=3
        AMT S 1 @01=A8 req=1,2 nu=3
        AMT S 1 @01=EAF req=1,2 nu=3
        OI R 1 03=N|W|Y req=3,6 nu=1,2,5
        MOA S 1
        LOOP 2330A R 1 Other Subscriber Name
          NM1 R 1 @01=IL 02=1|2 req=1,2,3,8,9 nu=6,10,11,12
          N3 S 1 req=1
          N4 S 1 req=1,2,3 nu=5,6
          REF S 1 01=SY req=1,2
        LOOP 2330B R 1 Other Payer Name
          NM1 R 1 @01=PR 02=2 req=1,2,3,8,9 nu=4,5,6,7,10,11,12
          N3 S 1 req=1
          N4 S 1 req=1,2,3 nu=5,6
          DTP S 1 @01=573 req=1,2,3
          REF S 6 @01=2U|EI|FY|NF|G1|9F|T4|F8 req=1,2
        LOOP 2330C S 2 Other Payer Referring Provider
          NM1 R 1 @01=DN|P3 02=1
          REF R 3 01=0B|1G|G2 req=1,2
        LOOP 2330D S 1 Other Payer Rendering Provider
          NM1 R 1 @01=82 02=1|2
          REF R 3 01=0B|1G|G2|LU req=1,2
        LOOP 2330E S 1 Other Payer Service Facility Location
          NM1 R 1 @01=77 02=2
          REF R 3 01=0B|G2|LU req=1,2
        LOOP 2330F S 1 Other Payer Supervising Provider
          NM1 R 1 @01=DQ 02=1
          REF R 3 01=0B|1G|G2|LU req=1,2
        LOOP 2330G S 1 Other Payer Billing Provider
          NM1 R 1 @01=85 02=1|2
          REF R 2 01=G2|LU req=1,2
      LOOP 2400 R 50 Service Line Number
        LX R 1 req=1
        SV1 R 1 03=MJ|UN req=1,2,3,4,7 nu=6,8,10,13,14,16,17,18,19,20,21
        SV5 S 1
        PWK S 11
        CR1 S 1
        CR3 S 1
        CRC S 5
        DTP R 1 @01=472 02=D8|RD8 req=1,2,3
        DTP S 10 @01=471|607|463|461|304|738|739|011|455|454 req=1,2,3
        QTY S 2 @01=PT|FL
        MEA S 5
        CN1 S 1
        REF S 17 @01=9B|9D|G1|6R|EW|X4|F4|BT|9F req=1,2
        AMT S 2 @01=T|F4 req=1,2 nu=3
        K3 S 10
        NTE S 2 @01=ADD|DCP|TPO
        PS1 S 1
        HCP S 1
        LOOP 2410 S 1 Drug Identification
          LIN R 1 02=N4 req=2,3 nu=1
          CTP R 1 05-1=F2|GR|ME|ML|UN req=4,5 nu=1,2,3,6,7,8,9,10,11
          REF S 1 @01=VY|XZ req=1,2
        LOOP 2420A S 1 Rendering Provider Name
          NM1 R 1 @01=82 02=1|2 req=1,2,3 nu=6,10,11,12
          PRV S 1 01=PE 02=PXC req=1,2,3
          REF S 20 01=0B|1G|G2|LU req=1,2
        LOOP 2420B S 1 Purchased Service Provider Name
          NM1 R 1 @01=QB 02=1|2
          REF S 20 01=0B|1G|G2 req=1,2
        LOOP 2420C S 1 Service Facility Location Name
          NM1 R 1 @01=77 02=2 req=1,2,3
          N3 R 1 req=1
          N4 R 1 req=1,2,3
          REF S 3 01=G2|LU req=1,2
        LOOP 2420D S 1 Supervising Provider Name
          NM1 R 1 @01=DQ 02=1
          REF S 20 01=0B|1G|G2|LU req=1,2
        LOOP 2420E S 1 Ordering Provider Name
          NM1 R 1 @01=DK 02=1
          N3 S 1 req=1
          N4 S 1 req=1,2,3
          REF S 20 01=0B|1G|G2 req=1,2
          PER S 1
        LOOP 2420F S 2 Referring Provider Name
          NM1 R 1 @01=DN|P3 02=1
          REF S 20 01=0B|1G|G2 req=1,2
        LOOP 2420G S 1 Ambulance Pick-up Location
          NM1 R 1 @01=PW 02=2
          N3 R 1 req=1
          N4 R 1 req=1,2,3
        LOOP 2420H S 1 Ambulance Drop-off Location
          NM1 R 1 @01=45 02=2
          N3 R 1 req=1
          N4 R 1 req=1,2,3
        LOOP 2430 S 15 Line Adjudication Information
          SVD R 1 req=1,2,3,5 nu=4
          CAS S 5 01=CO|CR|OA|PI|PR
          DTP R 1 @01=573 02=D8 req=1,2,3
          AMT S 1 @01=EAF req=1,2
        LOOP 2440 S >1 Form Identification Code
          LQ R 1 01=AS|UT
          FRM R 99
    LOOP 2000C S >1 Patient Hierarchical Level
      HL R 1 @03=23 04=0 req=1,3,4
      PAT R 1 req=1 nu=2,3,4
      LOOP 2010CA R 1 Patient Name
        NM1 R 1 @01=QC 02=1 req=1,2,3 nu=6,8,9,10,11,12
        N3 R 1 req=1
        N4 R 1 req=1,2,3 nu=5,6
        DMG R 1 01=D8 03=F|M|U req=1,2,3
        REF S 2 @01=Y4|1W|SY req=1,2
        PER S 1
      LOOP 2300 R 100 Claim Information = 2300
""",
)
