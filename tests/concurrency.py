"""Two transactions at once on PostgreSQL, for the tests that show the second waits for the first."""

from __future__ import annotations

import threading
import time

from oncobill.db import unit_of_work


def race(engine, first, second) -> list:
    """Run *first* in a transaction left open, start *second* in a thread, check it waits, commit the
    first: what *second* returned, or the exception it raised, as a one-item list."""
    outcome: list = []

    def other():
        try:
            with unit_of_work(engine) as session:
                outcome.append(second(session))
        except Exception as exc:  # noqa: BLE001 - the refusal is the expected outcome
            outcome.append(exc)

    with unit_of_work(engine) as session:
        first(session)
        thread = threading.Thread(target=other)
        thread.start()
        time.sleep(1.0)
        assert thread.is_alive() and outcome == [], "the second act did not wait for the first"
    thread.join(timeout=30)
    assert not thread.is_alive()
    return outcome
