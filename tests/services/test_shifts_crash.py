"""SIGKILL at any point of opening, selling, counting or closing: the shift is left open or
closed with its Z sealed, never half, and the next start says which."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from pos_tui.config import load_settings
from pos_tui.services.runtime.backend import Backend, open_backend
from pos_tui.services.shifts.service import ShiftService
from tests.catalog import Store, build_store

WORKER = r"""
import sys
from pos_tui.config import load_settings
from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.runtime.backend import open_backend
from pos_tui.services.shifts.cash import CashService
from pos_tui.services.shifts.counts import one_amount
from pos_tui.services.shifts.service import ShiftService
from pos_tui.services.staff.auth import AuthService
b = open_backend(load_settings(database={"path": sys.argv[1]}))
who = AuthService(b).sign_in("101", "1234")
svc = ShiftService(b)
for left in Checkout(b, who).in_progress():  # what the next sign-in offers: void it
    Checkout.resume(b, who, left["id"]).cancel()
n = 0
while True:
    if b.shifts.open_for("L1") is None:
        svc.open(who, one_amount(b.settings, "100"))
    co = Checkout(b, who)
    co.add_item("APPLE")
    co.add_cash("200")
    co.commit()
    CashService(b, who).move("paid_in", "5", reason="OTHER")
    svc.close(who, one_amount(b.settings, svc.expected_cash()))
    n += 1
    print(n, flush=True)
"""


def _consistent(b: Backend) -> None:
    shifts = b.db.execute(
        "SELECT id, status, z_sale_id FROM shifts WHERE lane_id = 'L1'"
    ).fetchall()
    assert sum(1 for s in shifts if s[1] == "open") <= 1
    zs = {int(r[0]) for r in b.db.execute("SELECT id FROM sales WHERE kind = 'z_report'")}
    closed = {int(s[2]) for s in shifts if s[1] == "closed"}
    assert closed == zs, "every closed shift has its Z and every Z closed its shift"
    check = b.journal.check()
    assert check.broken is None, check.broken
    assert check.z_reports == len(zs)


def test_sigkill_never_leaves_a_shift_half_closed(backend: Backend, db_path: Path) -> None:
    store: Store = build_store(backend)
    del store
    closes = 0
    for round_ in range(6):
        proc = subprocess.Popen(
            [sys.executable, "-c", WORKER, str(db_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        )
        assert proc.stdout is not None
        # Let it get round_ + 1 closes in, then kill it wherever it is.
        for _ in range(round_ + 1):
            line = proc.stdout.readline()
            assert line, proc.stderr.read() if proc.stderr else "worker died"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        closes += round_ + 1
        b = open_backend(load_settings(database={"path": str(db_path)}))
        try:
            _consistent(b)
            state = ShiftService(b).state("L1")
            said = state.describe()
            assert said.startswith(("Shift", "Last shift")), said
        finally:
            b.close()
    assert closes >= 21
