"""The ``oncobill`` command. Each stage keeps its commands in its own module here;
this file only assembles them, so commands stay thin shells over stage services."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="oncobill",
    help="OncoBill: revenue-cycle billing for oncology practices.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

# Stage command groups (each module defines `app`). Add one line per stage.
from oncobill.cli import db as _db  # noqa: E402

app.add_typer(_db.app, name="db")
from oncobill.cli import x12 as _x12  # noqa: E402
app.add_typer(_x12.app, name="x12")
from oncobill.cli import clearinghouse as _clearinghouse  # noqa: E402

app.add_typer(_clearinghouse.app, name="clearinghouse")

from oncobill.cli import code as _code  # noqa: E402
from oncobill.cli import refdata as _refdata  # noqa: E402

app.command("code")(_code.code)
app.add_typer(_refdata.app, name="refdata")

from oncobill.cli import claim as _claim  # noqa: E402
from oncobill.cli import claims as _claims  # noqa: E402
from oncobill.cli import demo as _demo  # noqa: E402
from oncobill.cli import ledger as _ledger  # noqa: E402
from oncobill.cli import patient as _patient  # noqa: E402

app.command("demo")(_demo.demo)
app.add_typer(_patient.app, name="patient")
app.add_typer(_claim.app, name="claim")
app.add_typer(_claims.app, name="claims")
app.add_typer(_ledger.app, name="ledger")

from oncobill.cli import submission as _submission  # noqa: E402

_claims.app.command("submit")(_submission.submit)
_claims.app.command("receive")(_submission.receive)
app.add_typer(_submission.acks_app, name="acks")


def main() -> None:  # pragma: no cover - console entry point
    app()
