"""Run a command and record how long it took: `make test` runs its two pytest steps through this,
and `make bench` reports the figures (as a ratio to the clean build) without running the tests again.

    python benchmarks/timed.py <step> -- <command ...>

writes ``_build/test-timings.json``: for each step its wall-clock seconds, the CPU seconds of the
command and every process it started (user + system, from the kernel's accounting of reaped
children: xdist workers, Chromium, kernels), the exit status, the time it ended and the commit.
The machine may be shared: CPU seconds tell the suite's own work apart from others' load.
"""
from __future__ import annotations

import datetime
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORD = ROOT / "_build" / "test-timings.json"


def commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    step, command = argv[0], argv[2:]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    status = subprocess.call(command)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    record = json.loads(RECORD.read_text(encoding="utf-8")) if RECORD.exists() else {}
    record[step] = {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "status": status,
                    "ended": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
                    "commit": commit(), "load_average": [round(x, 2) for x in os.getloadavg()],
                    "command": " ".join(command)}
    RECORD.parent.mkdir(parents=True, exist_ok=True)
    RECORD.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"{step}: {wall:.0f} s wall, {cpu:.0f} s CPU (recorded in {RECORD.relative_to(ROOT)})")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
