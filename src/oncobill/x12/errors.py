"""The one error a reader raises: it names where the input went wrong, so a biller can find it."""

from __future__ import annotations


class X12Error(ValueError):
    """Malformed X12: position (character offset), segment number, segment ID, element and reason.

    ``segment_number`` counts segments from the start of the file (1-based), which is what
    an editor or a clearinghouse report shows; ``element`` is like ``CLM02`` or ``SV101-2``.
    """

    def __init__(
        self,
        reason: str,
        *,
        position: int | None = None,
        segment_number: int | None = None,
        segment_id: str | None = None,
        element: str | None = None,
    ) -> None:
        self.reason = reason
        self.position = position
        self.segment_number = segment_number
        self.segment_id = segment_id
        self.element = element
        super().__init__(self._message())

    def _message(self) -> str:
        where = []
        if self.segment_number is not None:
            where.append(f"segment {self.segment_number}")
        if self.segment_id:
            where.append(self.segment_id)
        if self.element:
            where.append(self.element)
        if self.position is not None:
            where.append(f"at character {self.position}")
        return f"{' '.join(where)}: {self.reason}" if where else self.reason
