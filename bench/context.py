"""What every figure is given: the mode, its sizes, a scratch directory and a logger."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

QUICK: dict[str, Any] = {
    "customers": 100_000,
    "lookups": 1500,
    "lookup_warmup": 200,
    "search_names": 30,
    "search_longest": 12,
    "search_warmup": 20,
    "typing_cases": 6,
    "typing_rounds": 3,
    "commit_sales": 60,
    "commit_warmup": 5,
    "commit_lines": 20,
    "engine_rounds": 60,
    "engine_warmup": 5,
    "receipt_lines": 50,
    "lanes": 4,
    "lanes_seconds": 4.0,
    "lanes_rounds": 2,
    "lanes_interval": 0.25,
    "import_customers": 5_000,
    "import_rounds": 1,
    "scan_carts": [22, 500],
    "scans": 20,
    "scan_warmup": 3,
    "coldstart_rounds": 3,
    "cli_rounds": 10,
    "termbytes_scans": 10,
    "kiosk_scans": 6,
    "sync_lanes": 50,
    "sync_sales": 1000,
    "sync_batch": 500,
    "sync_interval": 1.0,
    "sync_lag_seconds": 10.0,
}

FULL: dict[str, Any] = {
    **QUICK,
    "customers": 1_000_000,
    "lookups": 5000,
    "lookup_warmup": 500,
    "search_names": 80,
    "typing_cases": 6,
    "typing_rounds": 4,
    "commit_sales": 200,
    "commit_warmup": 10,
    "engine_rounds": 200,
    "engine_warmup": 10,
    "lanes_seconds": 10.0,
    "lanes_rounds": 3,
    "import_customers": 100_000,
    "import_rounds": 1,
    "scans": 40,
    "coldstart_rounds": 6,
    "cli_rounds": 20,
    "termbytes_scans": 30,
    "kiosk_scans": 20,
    "sync_lag_seconds": 30.0,
}


@dataclass
class Context:
    mode: str  # quick | full
    sizes: dict[str, Any]
    scratch: Path
    log: Callable[[str], None]

    def tmp(self, name: str) -> Path:
        path = self.scratch / name
        path.mkdir(parents=True, exist_ok=True)
        return path
