"""``scripts/reliability [--quick | --long] [--only kills,disk] [--out FILE.json]``."""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reliability import disk, fuzz, imports, kills, redeem
from reliability.figures import PartResult, as_json, summary, table

QUICK: dict[str, Any] = {
    "customers": 40,
    # kills
    "lanes": 3,
    "kills": 16,
    "max_delay_s": 0.3,
    "seconds": 90,
    # redeem
    "redeem_lanes": 3,
    "shared_customers": 2,
    "points_each": "40",
    "sales_each": 6,
    # disk
    "disk_kib": 8192,
    "rounds": 2,
    # import
    "import_rows": 500,
    # fuzz
    "examples": 20,
}
LONG: dict[str, Any] = {
    **QUICK,
    "customers": 200,
    "lanes": 3,
    "kills": 1000,
    "max_delay_s": 0.5,
    "seconds": 5400,
    "redeem_lanes": 4,
    "shared_customers": 3,
    "points_each": "200",
    "sales_each": 60,
    "rounds": 20,
    "import_rows": 10_000,
    "examples": 1000,
}
PARTS: dict[str, Callable[[Path, dict[str, Any], int], PartResult]] = {
    "kills": kills.run,
    "redeem": lambda scratch, sizes, seed: redeem.run(
        scratch, {**sizes, "lanes": sizes["redeem_lanes"]}, seed
    ),
    "disk": disk.run,
    "import": imports.run,
    "fuzz": fuzz.run,
}


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "root": os.geteuid() == 0,
        # Timings depend on what else runs: the load when the run started and ended.
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="scripts/reliability", description=__doc__)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="a short run (CI), the default")
    size.add_argument("--long", action="store_true", help="the documented run (>= 1,000 kills)")
    parser.add_argument("--only", help=f"comma-separated parts of {', '.join(PARTS)}")
    parser.add_argument("--out", type=Path, help="write the figures here as JSON")
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    mode = "long" if args.long else "quick"
    sizes = LONG if args.long else QUICK
    names = args.only.split(",") if args.only else list(PARTS)
    unknown = [n for n in names if n not in PARTS]
    if unknown:
        parser.error(f"unknown part {unknown[0]!r}: choose from {', '.join(PARTS)}")
    results: list[PartResult] = []
    load = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory(prefix="pos-tui-reliability-") as tmp:
        root = args.keep or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        # What the services log (a refused save, a fault) goes to a file, not over the table.
        logging.basicConfig(filename=root / "harness.log", level=logging.INFO, force=True)
        for name in names:
            scratch = root / name
            scratch.mkdir(parents=True, exist_ok=True)
            began = time.monotonic()
            print(f"== {name}", flush=True)
            try:
                part = PARTS[name](scratch, sizes, args.seed)
            except Exception as exc:  # the harness itself failed: a crash, said
                part = PartResult(name, seconds=time.monotonic() - began, crashes=1)
                part.problem(f"{name} did not finish: {exc!r}")
            results.append(part)
            for problem in part.problems[:10]:
                print(f"   ! {problem}", flush=True)
    print(table(results))
    data = as_json(mode, args.seed, results, {**machine(), "load_average_at_start": load})
    if args.out:
        args.out.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    totals = summary(results)
    print(
        f"{mode}: {totals['kills']} kills, {totals['sales']} sales, lost {totals['lost']}, "
        f"partial {totals['partial']}, ledger mismatches {totals['ledger_mismatches']}, "
        f"lock errors shown {totals['lock_errors_shown']}, inputs tried {totals['inputs_tried']}, "
        f"crashes {totals['crashes']}: {'OK' if data['ok'] else 'FAILED'}"
    )
    sys.exit(0 if data["ok"] else 1)
