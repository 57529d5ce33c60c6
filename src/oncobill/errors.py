"""The errors OncoBill raises for bad input: each names what was wrong and where."""

from __future__ import annotations


class OncoBillError(Exception):
    """Base of OncoBill's own errors."""


class InvalidInput(OncoBillError, ValueError):
    """A value a biller or a file gave us that cannot be accepted.

    ``where`` names the record or field (``"provider 1234567890: npi"``), ``reason`` says why.
    """

    def __init__(self, where: str, reason: str):
        self.where = where
        self.reason = reason
        super().__init__(f"{where}: {reason}")


class NotFound(OncoBillError, LookupError):
    """A referenced record (payer, patient, claim...) does not exist."""

    def __init__(self, kind: str, key: object):
        self.kind = kind
        self.key = key
        super().__init__(f"unknown {kind}: {key!r}")


def require_enum(enum_cls, value, where: str):
    """Coerce *value* to a member of *enum_cls*, or raise naming the allowed values."""
    try:
        return value if isinstance(value, enum_cls) else enum_cls(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum_cls)
        raise InvalidInput(where, f"{value!r} is not one of: {allowed}") from None
