"""Denials: the playbook (domain 7.6) as data, routing a remit line to a work item, and the actions.

    from oncobill.denials import route, DeniedLine, ClaimFacts, PayerTerms
    item = route(DeniedLine("CO", "197", Decimal("900.00"), ("N54",), code="J9271"), claim, payer,
                 remit_date=date(2026, 11, 20))
    item.queue, item.action, item.owner, item.due_date, item.fix, item.reason

Pure rules: the database side is built on top (``denials.routing``: the router the 835 poster's
worklist feed finds; ``denials.service``: the acts; the tables and shared queue operations are
``oncobill.worklists``). See docs/denials.md.
"""

from oncobill.denials.actions import (
    Resubmission,
    Transfer,
    WriteOff,
    appeal_letter,
    resubmission,
    transfer_to_patient,
    transfer_to_secondary,
    write_off,
)
from oncobill.denials.playbook import (
    Action,
    PatientBillable,
    Playbook,
    default_playbook,
    load_playbook,
    parse_playbook,
)
from oncobill.denials.rules import (
    ClaimFacts,
    Clock,
    DeniedLine,
    PayerTerms,
    WorkItem,
    clocks_for,
    denial_reason,
    denied_lines,
    front_end_rejection,
    route,
)

__all__ = [
    "Action", "ClaimFacts", "Clock", "DeniedLine", "PatientBillable", "PayerTerms", "Playbook",
    "Resubmission", "Transfer", "WorkItem", "WriteOff", "appeal_letter", "clocks_for", "default_playbook",
    "denial_reason", "denied_lines", "front_end_rejection", "load_playbook", "parse_playbook", "resubmission",
    "route", "transfer_to_patient", "transfer_to_secondary", "write_off",
]
