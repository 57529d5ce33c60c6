"""The ``oncobill`` command. Each stage keeps its commands in its own module here; this file only
assembles them, so commands stay thin shells over stage services.

Command modules are imported when their command runs, not at start-up: `oncobill code` or
`oncobill x12 parse` should not pay for SQLAlchemy and Alembic.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup


def _module_attr(module: str, attr: str) -> Callable[[], object]:
    return lambda: getattr(importlib.import_module(f"oncobill.cli.{module}"), attr)


def _claims_group():
    """`claims` gathers build/scrub/list (cli/claims.py) and submit/receive (cli/submission.py)."""
    from oncobill.cli import claims, submission

    names = {c.name for c in claims.app.registered_commands}
    if "submit" not in names:
        claims.app.command("submit")(submission.submit)
        claims.app.command("receive")(submission.receive)
    return claims.app


# name -> loader of a Typer group or of a single command function. Add one line per stage.
COMMANDS: dict[str, Callable[[], object]] = {
    "demo": _module_attr("demo", "demo"),
    "db": _module_attr("db", "app"),
    "patient": _module_attr("patient", "app"),
    "code": _module_attr("code", "code"),
    "refdata": _module_attr("refdata", "app"),
    "claims": _claims_group,
    "claim": _module_attr("claim", "app"),
    "clearinghouse": _module_attr("clearinghouse", "app"),
    "acks": _module_attr("submission", "acks_app"),
    "ledger": _module_attr("ledger", "app"),
    "x12": _module_attr("x12", "app"),
    "era": _module_attr("era", "app"),
    "denials": _module_attr("denials", "app"),
    "deposits": _module_attr("deposits", "app"),
    "underpayments": _module_attr("underpayments", "app"),
}


# What `oncobill --help` prints per command, so listing them imports none of them
# (tests/cli/test_cli.py keeps each line equal to the command's own help).
SUMMARIES: dict[str, str] = {
    "demo": "Reset the demo database, load the demo practice and run one month of its revenue cycle.",
    "db": "Database schema.",
    "patient": "Patients.",
    "code": "Turn documented administrations or a radiation course into explained charge lines.",
    "refdata": "Reference data (code sets): import CMS files, show loaded versions.",
    "claims": "Build, scrub and list claims.",
    "claim": "Claims.",
    "clearinghouse": "Send 837 batches to the clearinghouse and receive 999, 277CA and 835 files.",
    "acks": "Import 999 and 277CA acknowledgments.",
    "ledger": "The double-entry ledger.",
    "x12": "X12 5010: parse and validate EDI files.",
    "era": "Remittance advice (835): show one, import and post it.",
    "denials": "The denial work queue: list, show, assign and work denied lines.",
    "deposits": "Bank deposits: import or enter them, and reconcile them to ERAs.",
    "underpayments": "The underpayment queue: allowed amounts below the contract.",
}


class LazyCommands(TyperGroup):
    """A top-level group that builds each subcommand from its module only when it is asked for."""

    def list_commands(self, ctx) -> list[str]:
        return list(COMMANDS)

    def format_help(self, ctx, formatter) -> None:
        """The top-level help lists the commands from SUMMARIES: building them all to read their
        help would import every stage (seconds) just to print one screen."""
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def get_command(self, ctx, name: str):
        if getattr(self, "_listing", False) and name in COMMANDS:
            return TyperCommand(name, help=SUMMARIES.get(name, ""))
        return self._build(name)

    def _build(self, name: str):
        loader = COMMANDS.get(name)
        if loader is None:
            return None
        target = loader()
        if isinstance(target, typer.Typer):
            command = typer.main.get_group(target)
        else:
            single = typer.Typer()
            single.command(name)(target)
            command = typer.main.get_command(single)
        command.name = name
        return command


app = typer.Typer(
    name="oncobill",
    cls=LazyCommands,
    help="OncoBill: revenue-cycle billing for oncology practices.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """OncoBill: revenue-cycle billing for oncology practices."""


def main() -> None:  # pragma: no cover - console entry point
    app()
