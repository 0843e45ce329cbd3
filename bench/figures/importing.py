"""Demo data and CSV import of N customers, beside ``sqlite-utils insert`` of the same CSV."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.context import Context
from bench.core import Figure, summarize
from bench.data import NOW, SEED, open_backend


def _sqlite_utils() -> list[str]:
    exe = Path(sys.executable).with_name("sqlite-utils")
    if exe.is_file():
        return [str(exe)]
    found = shutil.which("sqlite-utils")
    if found:
        return [found]
    return [sys.executable, "-m", "sqlite_utils"]


def _floor(csv_path: Path, db_path: Path) -> float:
    """``sqlite-utils insert DB customers FILE --csv`` into a fresh file; seconds."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    started = time.perf_counter()
    subprocess.run(
        [*_sqlite_utils(), "insert", str(db_path), "customers", str(csv_path), "--csv"],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def _cli_startup() -> float:
    started = time.perf_counter()
    subprocess.run([*_sqlite_utils(), "--version"], check=True, capture_output=True)
    return time.perf_counter() - started


def run(ctx: Context) -> list[Figure]:
    from pos_tui.demo import DemoGenerator
    from pos_tui.services.customers.csv_io import CustomerImporter, export_customers

    n = ctx.sizes["import_customers"]
    work = ctx.tmp("import")
    demo_s: list[float] = []
    import_s: list[float] = []
    floor_s: list[float] = []
    details: dict[str, Any] = {}
    for r in range(ctx.sizes["import_rounds"]):
        demo_db = work / f"demo-{r}.db"
        backend = open_backend(demo_db)
        started = time.perf_counter()
        DemoGenerator(backend, seed=SEED, now=NOW).run(customers=n, sales=0)
        demo_s.append(time.perf_counter() - started)
        csv_path = work / f"customers-{r}.csv"
        export_customers(backend, csv_path, include_inactive=True)
        backend.close()
        details["csv_bytes"] = csv_path.stat().st_size
        floor_s.append(_floor(csv_path, work / f"floor-{r}.db"))
        target = open_backend(work / f"import-{r}.db")
        DemoGenerator(target, seed=SEED, now=NOW).run(customers=0, sales=0)  # reference data
        started = time.perf_counter()
        report = CustomerImporter(target).run(csv_path)
        import_s.append(time.perf_counter() - started)
        details["imported"] = report.imported
        details["rejected"] = len(report.rejected)
        if report.rejected:
            details["first_rejection"] = str(report.rejected[0])
        target.close()
        floor_s.append(_floor(csv_path, work / f"floor-{r}.db"))
    details["sqlite_utils_cli_startup_s"] = round(_cli_startup(), 2)
    floor = summarize(floor_s)
    sizes = {"customers": n, "rounds": ctx.sizes["import_rounds"]}
    return [
        Figure(
            name="demo",
            title=f"demo data, {n:,} customers",
            metric="median",
            unit="s",
            ours=summarize(demo_s),
            floor=floor,
            goal="<= 2x floor",
            max_ratio=2.0,
            sizes=sizes,
            extra=details,
            notes=["ours also writes addresses, contacts, ledgers, the FTS index and the catalog"],
        ),
        Figure(
            name="import",
            title=f"CSV import, {n:,} customers",
            metric="median",
            unit="s",
            ours=summarize(import_s),
            floor=floor,
            goal="<= 2x floor",
            max_ratio=2.0,
            sizes=sizes,
            extra=details,
        ),
    ]
