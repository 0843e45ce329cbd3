"""Databases the figures run on: demo stores cached under ``bench/cache/``, small known stores.

A demo store of N customers is built once (by ``DemoGenerator``, as ``pos-tui demo`` does) and
kept under ``bench/cache/`` keyed by N, the seed and a hash of the generator and schema sources,
so a change to either rebuilds it. The build time is kept beside it and reported.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CACHE = Path(__file__).resolve().parent / "cache"
SEED = 42
# Dates in demo data follow this moment, so a cached database does not depend on the day.
NOW = datetime(2026, 11, 24, 10, 30, 0)


def _source_hash() -> str:
    digest = hashlib.sha256()
    generator = sorted((REPO / "pos_tui/demo").glob("*.py"))
    storage = (
        "pos_tui/storage/db.py",
        "pos_tui/storage/bulk.py",
        "pos_tui/storage/schema_v1.sql",
        "pos_tui/storage/schema_v3_lane.sql",
    )
    for path in (*generator, *(REPO / rel for rel in storage)):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def settings_for(path: Path, **overrides: Any) -> Any:
    from pos_tui.config import load_settings

    return load_settings(database={"path": str(path)}, **overrides)


def open_backend(path: Path, *, lane_id: str | None = None) -> Any:
    from pos_tui.services.runtime.backend import open_backend as _open

    extra: dict[str, Any] = {"lane": {"id": lane_id}} if lane_id else {}
    return _open(settings_for(path, **extra), now=lambda: NOW)


def demo_database(customers: int, *, sales: int = 300, log: Any = print) -> tuple[Path, float]:
    """The cached demo store of ``customers`` customers; (path, seconds its build took)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"demo-{customers}-s{SEED}-{_source_hash()}.db"
    meta = path.with_suffix(".json")
    if path.is_file() and meta.is_file():
        return path, float(json.loads(meta.read_text())["build_seconds"])
    from pos_tui.demo import DemoGenerator

    for stale in CACHE.glob(f"demo-{customers}-s{SEED}-*"):
        stale.unlink()
    tmp = path.with_name(path.name + ".building")
    for suffix in ("", "-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    log(f"building the demo store of {customers:,} customers (cached in {CACHE.name}/) ...")
    started = time.perf_counter()
    backend = open_backend(tmp)
    # DemoGenerator numbers 8-digit card numbers injectively in a space of 10**6 and raises
    # "demo numbering space exhausted" on the 1,000,000th customer (see docs/bench.md): the
    # generator writes one fewer and the last customer goes through CustomerService.create.
    generated = min(customers, GENERATOR_LIMIT)
    DemoGenerator(backend, seed=SEED, now=NOW).run(customers=generated, sales=sales)
    if customers > generated:
        _top_up(backend, customers - generated)
    backend.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    backend.close()
    seconds = time.perf_counter() - started
    shutil.move(tmp, path)
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    meta.write_text(json.dumps({"customers": customers, "build_seconds": seconds}))
    log(f"  built in {seconds:.1f} s")
    return path, seconds


GENERATOR_LIMIT = 999_999


def _top_up(backend: Any, count: int) -> None:
    from pos_tui.services.customers.service import CustomerService

    service = CustomerService(backend)
    for n in range(count):
        service.create({"first_name": "Bench", "last_name": f"Extra {n + 1}"})


def small_store(path: Path, *, lane_id: str | None = None) -> tuple[Any, Any]:
    """A fresh database holding the small known store of ``tests/catalog.py``."""
    from tests.catalog import build_store

    backend = open_backend(path, lane_id=lane_id)
    return backend, build_store(backend)
