"""The claim scrubber: small pure edits, registered in one list (``edits.EDITS``), run in order.

    findings = scrub(claim, ScrubContext(codes=default_code_sets(), today=date.today()))

Each :class:`Finding` names its edit, severity (an error holds the claim), line, message and fix.
"""

from oncobill.claims.scrub.core import ERROR, WARNING, Finding, ScrubContext, has_errors
from oncobill.claims.scrub.edits import EDIT_IDS, EDITS, scrub

__all__ = ["EDITS", "EDIT_IDS", "ERROR", "WARNING", "Finding", "ScrubContext", "has_errors", "scrub"]
