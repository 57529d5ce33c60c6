"""One demo run per database for the whole tests/demo package (test_demo.py and test_crossover.py share it)."""

import pytest

from oncobill.db import make_engine, session_factory
from oncobill.demo.run import run_demo


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def demo_db(request, new_database, tmp_path_factory):
    url = new_database(request.param)
    run = run_demo(url, mailbox=tmp_path_factory.mktemp("clearinghouse") / "sandbox")
    engine = make_engine(url)
    session = session_factory(engine)()
    yield url, run, session
    session.close()
    engine.dispose()


def printed_summary(run) -> str:
    """What `oncobill demo` prints for *run*, on a wide terminal (no table cell wrapped), whitespace folded."""
    from oncobill.cli.common import console
    from oncobill.cli.demo import _print_summary

    width = console.width
    console.width = 250
    try:
        with console.capture() as captured:
            _print_summary(run)
    finally:
        console.width = width
    return " ".join(captured.get().split())
