"""999 Implementation Acknowledgment, 005010X231A1."""

from oncobill.x12.spec import parse_spec

SPEC = parse_spec(
    "999",
    "005010X231A1",
    "FA",
    "Implementation Acknowledgment",
    """
AK1 R 1
LOOP 2000 S >1 Transaction Set Response Header
  AK2 R 1
  LOOP 2100 S >1 Error Identification
    IK3 R 1
    CTX S 10
    LOOP 2110 S >1 Implementation Data Element Note
      IK4 R 1
      CTX S 10
  IK5 R 1 01=A|E|M|R|W|X
AK9 R 1 01=A|E|M|P|R|W|X
""",
)
