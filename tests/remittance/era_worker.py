"""Run one `era import` in its own process, for the race and killed-import tests.

python -m tests.remittance.era_worker URL FILE race START_AT   -> waits until START_AT (epoch), imports,
                                                                  holding the set's key a moment
python -m tests.remittance.era_worker URL FILE kill N          -> killed (SIGKILL) after posting N claims
Prints the JSON outcome of each set on success.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time

from oncobill.db import make_engine, unit_of_work
from oncobill.remittance import service


def main(url: str, path: str, mode: str, arg: str) -> None:
    if mode == "race":
        original = service._post_set

        def slow(*a, **kw):
            time.sleep(0.5)  # the key row is written and held: the other process must wait on it
            return original(*a, **kw)

        service._post_set = slow
        while time.time() < float(arg):
            time.sleep(0.005)
    elif mode == "kill":
        limit = int(arg)
        original_claim = service._Poster.post_claim
        done = [0]

        def post_claim(self, claim, cp):
            if done[0] == limit:
                self.session.flush()
                os.kill(os.getpid(), signal.SIGKILL)  # the process dies mid-import, nothing commits
            done[0] += 1
            return original_claim(self, claim, cp)

        service._Poster.post_claim = post_claim
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        result = service.import_file(session, path, actor=f"worker{os.getpid()}")
    engine.dispose()
    print(json.dumps([s.outcome for s in result.sets]))


if __name__ == "__main__":
    main(*sys.argv[1:5])
