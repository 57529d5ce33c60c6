"""The denial playbook (domain 7.6) as data: one row per CARC (optionally narrowed by group and
RARC) naming the queue, the next action, who owns it and whether the patient may ever be billed.

The bundled ``data/playbook.csv`` is read and checked once; a practice may load its own file with
:func:`load_playbook`. Every row is validated against the code sets, so a typo in a CARC fails at
start-up naming the file and row instead of routing denials to the wrong queue.
"""

from __future__ import annotations

import csv
import enum
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from oncobill.codes import CodeSets, default_code_sets
from oncobill.errors import InvalidInput
from oncobill.worklists.models import Role

BUNDLED = Path(__file__).with_name("data") / "playbook.csv"
COLUMNS = ("group", "carc", "rarc", "queue", "action", "owner", "patient_billable", "appeal_window_days",
           "condition", "otherwise", "fix", "argument")
GROUPS = frozenset({"CO", "PR", "OA", "PI"})
ANY = "*"


class Action(str, enum.Enum):
    """The next step a work item recommends."""

    CORRECTED_CLAIM = "corrected_claim"  # frequency 7 with REF*F8 (or a new original where the payer wants it)
    NEW_CLAIM = "new_claim"  # frequency 1: no appeal rights, or the claim never reached adjudication
    APPEAL = "appeal"  # a letter with the claim's facts and the playbook's argument
    SEND_RECORDS = "send_records"
    BILL_OTHER_PAYER = "bill_other_payer"
    FIX_ENROLLMENT = "fix_enrollment"
    REQUEST_AUTHORIZATION = "request_authorization"
    CHECK_ORIGINAL = "check_original"  # duplicate: work the original claim, never resubmit
    WRITE_OFF = "write_off"
    TRANSFER_TO_PATIENT = "transfer_to_patient"
    POST_ONLY = "post_only"  # informational (CO-45, CO-253, OA-23): posting is the whole job
    REVIEW = "review"  # no playbook row: a biller reads the codes


# Actions that send the claim again: the timely-filing clock applies to them.
RESUBMITTING = frozenset({Action.CORRECTED_CLAIM, Action.NEW_CLAIM, Action.BILL_OTHER_PAYER, Action.FIX_ENROLLMENT,
                          Action.REQUEST_AUTHORIZATION})
# Actions against the payer's decision: the appeal window applies to them.
DISPUTING = frozenset({Action.APPEAL, Action.SEND_RECORDS}) | RESUBMITTING
NO_WORK = frozenset({Action.POST_ONLY, Action.TRANSFER_TO_PATIENT})


class PatientBillable(str, enum.Enum):
    NEVER = "never"
    YES = "yes"
    WITH_NOTICE = "with_notice"  # PR-96/PR-204: only with a signed ABN or waiver on file


class Condition(str, enum.Enum):
    TIMELY_FILING_PROOF = "timely_filing_proof"  # the payer accepted the claim inside the filing limit


@dataclass(frozen=True, slots=True)
class PlaybookRule:
    """One row: how a group/CARC/RARC denial is worked."""

    row: int  # line number in the file, for messages
    group: str  # "" = any group
    carc: str  # "*" = the default row
    rarc: str  # "" = any remark
    queue: str
    action: Action
    owner: Role
    patient_billable: PatientBillable
    appeal_window_days: int | None  # None: the payer's appeal_window_days
    condition: Condition | None
    otherwise: Action | None
    fix: str
    argument: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.group, self.carc, self.rarc)

    def describe(self) -> str:
        parts = [self.group or "any group", f"CARC {self.carc}"]
        if self.rarc:
            parts.append(f"RARC {self.rarc}")
        return f"playbook row {self.row} ({', '.join(parts)})"


class Playbook:
    """Rules by (group, CARC, RARC); the most specific row that fits a denial wins."""

    def __init__(self, rules: list[PlaybookRule], source: str = "playbook"):
        self.rules = rules
        self.source = source
        self._by_key = {r.key: r for r in rules}
        self.default = self._by_key[("", ANY, "")]

    def rule_for(self, group: str, carc: str, rarcs: tuple[str, ...] = ()) -> PlaybookRule:
        """Most specific first: group+CARC+RARC, group+CARC, any-group+CARC+RARC, any-group+CARC, default.
        Among several RARCs on the line, the first listed that has a row wins."""
        for g in (group, ""):
            for rarc in rarcs:
                rule = self._by_key.get((g, carc, rarc))
                if rule:
                    return rule
            rule = self._by_key.get((g, carc, ""))
            if rule:
                return rule
        return self.default


def _fail(source: str, row: int, reason: str) -> InvalidInput:
    return InvalidInput(f"{source} row {row}", reason)


def _enum(cls, value: str, source: str, row: int, column: str):
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(m.value for m in cls)
        raise _fail(source, row, f"{column} {value!r} is not one of: {allowed}") from None


def parse_playbook(text: str, *, source: str = "playbook", codes: CodeSets | None = None) -> Playbook:
    """Read and check a playbook CSV; every problem names the row (the header is row 1)."""
    codes = codes or default_code_sets()
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise InvalidInput(f"{source} header", f"missing column(s): {', '.join(missing)}")
    rules: list[PlaybookRule] = []
    seen: dict[tuple, int] = {}
    for row_no, raw in enumerate(reader, start=2):
        r = {k: (raw.get(k) or "").strip() for k in COLUMNS}
        group, carc, rarc = r["group"].upper(), r["carc"].upper(), r["rarc"].upper()
        if group and group not in GROUPS:
            raise _fail(source, row_no, f"group {group!r} is not CO, PR, OA or PI")
        if not carc:
            raise _fail(source, row_no, "carc is empty")
        if carc == ANY:
            if group or rarc:
                raise _fail(source, row_no, "the default row (carc *) takes no group and no rarc")
        elif codes.carc(carc) is None:
            raise _fail(source, row_no, f"CARC {carc!r} is not in the CARC list (oncobill.codes)")
        if rarc and codes.rarc(rarc) is None:
            raise _fail(source, row_no, f"RARC {rarc!r} is not in the RARC list (oncobill.codes)")
        action = _enum(Action, r["action"], source, row_no, "action")
        owner = _enum(Role, r["owner"], source, row_no, "owner")
        billable = _enum(PatientBillable, r["patient_billable"], source, row_no, "patient_billable")
        if billable is not PatientBillable.NEVER and group != "PR":
            raise _fail(source, row_no, f"only a PR row may let the patient be billed ({group or 'any group'} "
                                        "amounts are never the patient's: domain 7.3, 8.1)")
        if action is Action.TRANSFER_TO_PATIENT and group != "PR":
            raise _fail(source, row_no, "transfer_to_patient is only for PR rows")
        window = None
        if r["appeal_window_days"]:
            if not r["appeal_window_days"].isdigit() or int(r["appeal_window_days"]) <= 0:
                raise _fail(source, row_no, f"appeal_window_days {r['appeal_window_days']!r} is not a positive "
                                            "whole number of days")
            window = int(r["appeal_window_days"])
        condition = _enum(Condition, r["condition"], source, row_no, "condition") if r["condition"] else None
        otherwise = _enum(Action, r["otherwise"], source, row_no, "otherwise") if r["otherwise"] else None
        if (condition is None) != (otherwise is None):
            raise _fail(source, row_no, "condition and otherwise go together (the action when the condition fails)")
        if not r["queue"] or not r["queue"].replace("_", "").isalnum():
            raise _fail(source, row_no, f"queue {r['queue']!r} must be a name of letters, digits and _")
        if not r["fix"]:
            raise _fail(source, row_no, "fix is empty: say in billing words what the biller should do")
        if action is Action.APPEAL and not r["argument"]:
            raise _fail(source, row_no, "an appeal row needs the argument its letter makes")
        key = (group, carc, rarc)
        if key in seen:
            raise _fail(source, row_no, f"same group/CARC/RARC as row {seen[key]}")
        seen[key] = row_no
        rules.append(PlaybookRule(row_no, group, carc, rarc, r["queue"], action, owner, billable, window,
                                  condition, otherwise, r["fix"], r["argument"]))
    if ("", ANY, "") not in seen:
        raise InvalidInput(source, "no default row (group empty, carc *): an unknown denial would have no queue")
    return Playbook(rules, source)


def load_playbook(path: Path | str, *, codes: CodeSets | None = None) -> Playbook:
    path = Path(path)
    return parse_playbook(path.read_text(encoding="utf-8"), source=str(path), codes=codes)


@lru_cache(maxsize=1)
def default_playbook() -> Playbook:
    """The bundled playbook, loaded and checked once."""
    return load_playbook(BUNDLED)
