"""Part ``kills``: lanes selling on one database, SIGKILLed at random moments, started again.

Each round takes the next lane in turn, waits until it is selling (``ready``: it has resumed
and finished what its last kill left open), lets it sell for a random moment and kills it with
SIGKILL, then starts it again. At the end every lane is started once more to take up what the
last kills left open, and the store is checked (:mod:`reliability.checks`).
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

from reliability.checks import check_store
from reliability.figures import PartResult
from reliability.procs import LaneFiles, LaneProcess, crashes, lock_errors
from reliability.store import build_store

READY_TIMEOUT_S = 120.0


def run(scratch: Path, sizes: dict[str, Any], seed: int) -> PartResult:
    result = PartResult("kills")
    started = time.monotonic()
    db = scratch / "kills.db"
    build_store(db, customers=sizes["customers"], seed=seed)
    files = LaneFiles(scratch)
    rng = random.Random(seed)
    lanes = [f"K{i}" for i in range(1, sizes["lanes"] + 1)]
    procs: dict[str, LaneProcess] = {
        lane: files.start(db, lane, mode="sales", seed=rng.randrange(1 << 30)) for lane in lanes
    }
    deadline = started + sizes["seconds"]
    turn = 0
    while result.kills < sizes["kills"] and time.monotonic() < deadline:
        lane = lanes[turn % len(lanes)]
        turn += 1
        proc = procs[lane]
        if proc.ready(READY_TIMEOUT_S):
            time.sleep(rng.uniform(0, sizes["max_delay_s"]))
            alive = proc.proc.poll() is None
            proc.kill()
            if alive:
                result.kills += 1
        if proc.proc.returncode not in (-9, 0):
            result.crashes += 1
            result.problem(f"lane {lane} ended by itself ({proc.proc.returncode}): "
                           f"{files.stderr_tail(lane)}")  # fmt: skip
        procs[lane] = files.start(db, lane, mode="sales", seed=rng.randrange(1 << 30))
    for proc in procs.values():
        proc.kill()
    if result.kills < sizes["kills"]:
        result.problem(f"only {result.kills} kills of {sizes['kills']} in {sizes['seconds']} s")
    _recover(db, files, lanes, result)
    finish_lanes(result, db, files)
    result.details["lanes"] = len(lanes)
    result.seconds = time.monotonic() - started
    return result


def _recover(db: Path, files: LaneFiles, lanes: list[str], result: PartResult) -> None:
    """Each lane once more, to resume and complete the sale its last kill left open."""
    for lane in lanes:
        proc = files.start(db, lane, mode="recover", seed=0)
        code = proc.proc.wait(timeout=READY_TIMEOUT_S)
        if code != 0:
            result.crashes += 1
            result.problem(
                f"lane {lane} could not take up its open sale: {files.stderr_tail(lane)}"
            )


def finish_lanes(result: PartResult, db: Path, files: LaneFiles) -> None:
    """The checks, and what the lanes wrote of themselves."""
    committed = files.committed()
    found = check_store(db, committed)
    result.sales = len(committed)
    result.add_findings(found)
    events = files.events()
    result.lock_errors_shown = lock_errors(events)
    crashed = crashes(events)
    result.crashes += len(crashed)
    result.problems += [f"crash: {c}" for c in crashed[:5]]
    if result.lock_errors_shown:
        result.problem(f"{result.lock_errors_shown} lock errors shown to a lane")
    refused: dict[str, int] = {}
    for event in events:
        if event.get("event") == "refused":
            refused[event["code"]] = refused.get(event["code"], 0) + 1
    result.details.update(
        journal_sales=found.sales,
        resumed=sum(1 for e in events if e.get("event") == "resumed"),
        refusals=dict(sorted(refused.items())),
    )
