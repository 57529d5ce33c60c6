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
