"""Part ``redeem``: N lanes attach the same few customers and pay with every point they have,
all at once. A point may pay once: no balance goes below zero on the way, each sale's points
are in the ledger once, and every balance is the sum of its ledger."""

from __future__ import annotations

import random
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from reliability.figures import PartResult
from reliability.kills import READY_TIMEOUT_S, finish_lanes
from reliability.procs import LaneFiles
from reliability.store import build_store, give_points, redeemers


def run(scratch: Path, sizes: dict[str, Any], seed: int) -> PartResult:
    result = PartResult("redeem")
    started = time.monotonic()
    db = scratch / "redeem.db"
    known = build_store(db, customers=sizes["customers"], seed=seed)
    shared = redeemers(known, sizes["shared_customers"], seed)
    points = Decimal(sizes["points_each"])
    give_points(db, shared, points)
    files = LaneFiles(scratch)
    go = scratch / "go"
    rng = random.Random(seed)
    procs = [
        files.start(
            db,
            f"R{i}",
            mode="redeem",
            seed=rng.randrange(1 << 30),
            customers=",".join(map(str, shared)),
            count=sizes["sales_each"],
            start=go,
        )
        for i in range(1, sizes["lanes"] + 1)
    ]
    for proc in procs:
        if not proc.ready(READY_TIMEOUT_S):
            result.problem(f"lane {proc.lane} never started: {files.stderr_tail(proc.lane)}")
    go.touch()  # every lane starts redeeming at once
    for proc in procs:
        code = proc.proc.wait(timeout=sizes["seconds"])
        if code != 0:
            result.crashes += 1
            result.problem(f"lane {proc.lane} ended with {code}: {files.stderr_tail(proc.lane)}")
    finish_lanes(result, db, files)
    committed = files.committed()
    used = [Decimal(c["points_used"]) for c in committed if c["customer"] in shared]
    result.details.update(
        lanes=len(procs),
        shared_customers=len(shared),
        points_each=str(points),
        redeeming_sales=sum(1 for u in used if u > 0),
        points_redeemed=str(sum(used, Decimal(0))),
        redemption_changed=result.details["refusals"].get("REDEMPTION_CHANGED", 0),
    )
    result.seconds = time.monotonic() - started
    return result
