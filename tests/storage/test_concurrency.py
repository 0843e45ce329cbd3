"""Several lane processes share one database file without losing or doubling anything."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pos_tui.storage.db import connect, migrations

WRITER = r"""
import sys
from decimal import Decimal
from pos_tui.config import load_settings
from pos_tui.services.runtime.backend import open_backend
from pos_tui.services.customers.service import CustomerService
lane, path = sys.argv[1], sys.argv[2]
b = open_backend(load_settings(database={"path": path}, lane={"id": lane}))
svc = CustomerService(b)
for i in range(40):
    svc.create({"first_name": f"{lane}-{i}", "mobile": f"9{ord(lane[-1]) % 10}{i:08d}"})
    sale = {"lane_id": lane, "store_id": "S1", "kind": "sale", "committed_at": "t",
            "subtotal": "1", "discount_total": "0", "tax_total": "0", "total": "1"}
    b.journal.append(sale, {"tenders": [{"seq": 1, "kind": "cash", "amount": "1"}]})
"""


def test_four_lanes_write_one_file_at_once(db_path: Path) -> None:
    connect(db_path).conn.close()  # migrate once up front, as `pos-tui init` would
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, lane, str(db_path)], stderr=subprocess.PIPE, text=True
        )
        for lane in ("L1", "L2", "L3", "L4")
    ]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
    db = connect(db_path)
    assert db.execute("SELECT count(*) FROM customers").fetchone()[0] == 160
    numbers = [r[0] for r in db.execute("SELECT account_number FROM customers")]
    assert len(set(numbers)) == 160, "account numbers are never handed out twice"
    from pos_tui.storage.journal import JournalRepository

    assert JournalRepository(db).verify() == (160, None)


def test_two_processes_migrating_a_new_file_at_once(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    code = "import sys; from pos_tui.storage.db import connect, migrations; connect(sys.argv[1])"
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(path)], stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    errors = [p.communicate(timeout=60)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], errors
    db = connect(path)
    names = [r[0] for r in db.execute("SELECT name FROM _sqlite_migrations")]
    # Every migration applied, each once (not once per process).
    assert len(names) == len(set(names)) and migrations.pending(db) == []
