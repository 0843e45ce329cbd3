"""Part ``import``: a CSV import of many customers while a lane process writes.

The lane (``reliability.lane --mode probe``) writes a row every few milliseconds, timing each
wait for the write lock: figures, not a pass mark (they depend on the machine). A real import
keeps that wait short (its batches hold the lock under the budget, and the importer records
the longest hold), and a dry run does not make it wait (it takes no write lock); every row
must be imported and no lane write refused."""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path
from typing import Any

from pos_tui.services.customers.csv_io import CustomerImporter, ImportReport
from reliability.figures import PartResult
from reliability.kills import READY_TIMEOUT_S
from reliability.procs import LaneFiles
from reliability.store import build_store, open_lane


def _csv(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["first_name", "last_name", "mobile", "email", "main.city"])
        for i in range(rows):
            writer.writerow([f"Imp{i}", "Orted", f"+9197{i:08d}", f"imp{i}@example.in", "Pune"])
    return path


def _with_a_lane(
    db: Path, files: LaneFiles, name: str, work: Any
) -> tuple[ImportReport, dict[str, Any]]:
    stop = files.folder / f"{name}.stop"
    probe = files.start(db, name, mode="probe", seed=0, start=stop)
    if not probe.ready(READY_TIMEOUT_S):
        raise RuntimeError(f"the probing lane never started: {files.stderr_tail(name)}")
    try:
        report = work()
    finally:
        stop.touch()
    out, _err = probe.proc.communicate(timeout=READY_TIMEOUT_S)
    return report, json.loads(out.strip().splitlines()[-1])


def run(scratch: Path, sizes: dict[str, Any], seed: int) -> PartResult:
    result = PartResult("import")
    started = time.monotonic()
    db = scratch / "import.db"
    build_store(db, customers=sizes["customers"], seed=seed)
    files = LaneFiles(scratch)
    path = _csv(scratch / "customers.csv", sizes["import_rows"])
    backend = open_lane(db, "IMPORT")
    try:
        dry, dry_lane = _with_a_lane(
            db, files, "P1", lambda: CustomerImporter(backend).run(path, dry_run=True)
        )
        real, lane = _with_a_lane(db, files, "P2", lambda: CustomerImporter(backend).run(path))
    finally:
        backend.close()
    for what, report in (("dry run", dry), ("import", real)):
        if report.imported != sizes["import_rows"] or report.rejected:
            result.problem(f"{what}: {report.imported} imported, {len(report.rejected)} rejected")
    for what, waits in (("dry run", dry_lane), ("import", lane)):
        if waits["faults"]:
            result.lock_errors_shown += int(waits["faults"])
            result.problem(f"{what}: the lane was refused {waits['faults']} times")
    result.details.update(
        rows=sizes["import_rows"],
        import_seconds=round(real.seconds, 2),
        batches=real.batches,
        longest_lock_ms=round(real.longest_lock_s * 1000, 1),
        lane_writes_during_import=lane["writes"],
        lane_longest_wait_ms=round(lane["longest_wait_s"] * 1000, 1),
        dry_run_seconds=round(dry.seconds, 2),
        lane_writes_during_dry_run=dry_lane["writes"],
        dry_run_lane_longest_wait_ms=round(dry_lane["longest_wait_s"] * 1000, 1),
    )
    result.seconds = time.monotonic() - started
    return result
