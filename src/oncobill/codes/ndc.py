"""NDC normalization: labels print 10 digits (4-4-2, 5-3-2, 5-4-1); HIPAA claims need 11 (5-4-2).

A 10-digit NDC without hyphens is refused: nobody can tell which segment takes the padding zero.
"""

from __future__ import annotations

from oncobill.errors import InvalidInput

# Segment lengths of a hyphenated label NDC -> how to pad it to 5-4-2.
_LAYOUTS = {(4, 4, 2), (5, 3, 2), (5, 4, 1), (5, 4, 2)}


def normalize_ndc(value: str, where: str = "ndc") -> str:
    """Return the 11-digit NDC (no hyphens) for a label NDC or an 11-digit NDC."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(where, f"NDC must be a non-empty string, got {value!r}")
    text = value.strip()
    if "-" in text:
        parts = text.split("-")
        lengths = tuple(len(p) for p in parts)
        if len(parts) != 3 or not all(p.isdigit() for p in parts) or lengths not in _LAYOUTS:
            raise InvalidInput(
                where, f"NDC {value!r} is not 4-4-2, 5-3-2, 5-4-1 or 5-4-2 digits separated by hyphens"
            )
        labeler, product, package = parts
        return labeler.zfill(5) + product.zfill(4) + package.zfill(2)
    if not text.isdigit():
        raise InvalidInput(where, f"NDC {value!r} must contain only digits and hyphens")
    if len(text) == 11:
        return text
    if len(text) == 10:
        raise InvalidInput(
            where,
            f"10-digit NDC {value!r} without hyphens is ambiguous (4-4-2, 5-3-2 or 5-4-1?): "
            "give it with hyphens as printed on the package, or as 11 digits",
        )
    raise InvalidInput(where, f"NDC {value!r} has {len(text)} digits; expected 11, or 10 with hyphens")


def format_ndc(ndc11: str) -> str:
    """'00002759701' -> '00002-7597-01' for people reading it."""
    return f"{ndc11[:5]}-{ndc11[5:9]}-{ndc11[9:]}"


def is_ndc11(value: str) -> bool:
    """True for an 11-digit NDC as a claim carries it (2410 LIN03 with N4): digits only, no hyphens."""
    return isinstance(value, str) and len(value) == 11 and value.isdigit()
