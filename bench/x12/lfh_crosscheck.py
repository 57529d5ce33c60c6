"""Second reader for the transactions pyx12 has no maps for: linuxforhealth-x12 (pydantic 1,
in bench/.venv-lfh) reads 270/271/276/277 documents that OncoBill writes.

    .venv/bin/python bench/x12/lfh_crosscheck.py [--count 20]

Writes generated documents (hypothesis strategies of tests/x12, fixed seed) to var/bench-x12/lfh/,
then asks linuxforhealth-x12 to build its models for each file and reports which it accepts.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "var" / "bench-x12" / "lfh"
LFH_PY = ROOT / "bench" / ".venv-lfh" / "bin" / "python"
READER = """
import sys
from linuxforhealth.x12.io import X12ModelReader
bad = 0
for path in sys.argv[1:]:
    try:
        with X12ModelReader(path) as r:
            n = sum(1 for _ in r.models())
        print("ok", path, n)
    except Exception as exc:
        bad += 1
        print("FAIL", path, str(exc).replace(chr(10), " ")[:300])
sys.exit(1 if bad else 0)
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=20)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from hypothesis import HealthCheck, Phase, given, seed, settings
    from tests.x12.test_eligibility_status import claim_status, eligibility

    from oncobill.x12.claimstatus import build_276, build_277
    from oncobill.x12.eligibility import build_270, build_271
    from oncobill.x12.writer import build_interchange, write

    OUT.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []

    def emit(kind: str, txn) -> None:
        text = write(build_interchange([(txn.spec, [txn])], sender_id="SENDER01", receiver_id="RECEIVER01",
                                       control_number=len(paths) + 1, when=datetime(2026, 11, 2, 9, 30)))  # fmt: skip
        path = OUT / f"{kind}_{len(paths):03d}.x12"
        path.write_text(text)
        paths.append(path)

    @seed(2026)
    @settings(max_examples=args.count, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(eligibility(response=False), eligibility(response=True), claim_status(response=False),
           claim_status(response=True))  # fmt: skip
    def generate(e270, e271, s276, s277):
        emit("270", build_270(e270))
        emit("271", build_271(e271))
        emit("276", build_276(s276))
        emit("277", build_277(s277))

    generate()
    out = subprocess.run(
        [str(LFH_PY), "-c", READER, *map(str, paths)], check=False, capture_output=True, text=True
    )
    print(out.stdout + out.stderr)
    ok = out.stdout.count("ok ")
    print(f"linuxforhealth-x12 accepted {ok} of {len(paths)} documents OncoBill wrote")


if __name__ == "__main__":
    main()
