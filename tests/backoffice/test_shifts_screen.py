"""Back office, Shifts and Z reports: every lane's shifts by lane and date, a Z shown and
reprinted as a copy, CSV export, and another lane's shift closed by a supervisor (audited);
the same through ``pos-tui shifts``."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from textual.pilot import Pilot
from textual.widgets import Input

from pos_tui.app import PosApp
from pos_tui.screens.backoffice.shifts import ShiftsScreen
from pos_tui.screens.shift import CountScreen, ReportScreen
from pos_tui.services.checkout.sale import Checkout
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.shifts.counts import one_amount
from pos_tui.services.shifts.service import ShiftService
from tests.app.conftest import enter
from tests.backoffice.conftest import open_back_office, screen_text, settle
from tests.catalog import Store
from tests.helpers import cli_runner_invoke, lane_backend


def _closed_shift(backend: Backend, store: Store) -> int:
    co = Checkout(backend, store.cashier)
    co.add_item("APPLE")
    co.add_cash("105")
    co.commit()
    svc = ShiftService(backend)
    return int(svc.close(store.cashier, one_amount(backend.settings, "205")).sale_id or 0)


def _screen(pilot: Pilot[Any]) -> ShiftsScreen:
    screen = pilot.app.screen
    assert isinstance(screen, ShiftsScreen)
    return screen


async def test_list_show_reprint_export_and_close_another_lane(
    app: PosApp, backend: Backend, store: Store, db_path: Path
) -> None:
    z_id = _closed_shift(backend, store)
    lane2 = lane_backend(db_path, "L2", now=backend.now)  # L2's shift, open
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await open_back_office(pilot, ShiftsScreen())
            assert [(r["lane"], r["status"]) for r in _screen(pilot).rows] == [
                ("L2", "open"),
                ("L1", "closed"),
            ]
            await enter(pilot, "L1 2026-11-24")
            assert [r["z_number"] for r in _screen(pilot).rows] == ["1"]
            await pilot.press("f5")
            await settle(pilot)
            assert isinstance(app.screen, ReportScreen)
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("f6")
            await settle(pilot)
            assert "copy of Z 1 is queued" in screen_text(pilot)
            (job,) = [j for j in backend.print_jobs.pending("L1") if j.kind == "reprint"]
            assert job.sale_id == z_id
            await pilot.press("f7")
            await settle(pilot)
            assert "1 shifts exported to" in screen_text(pilot)
            _screen(pilot).query_one("#filter", Input).value = ""
            await enter(pilot, "L2")
            await pilot.press("f8")
            await settle(pilot)
            assert isinstance(app.screen, CountScreen), screen_text(pilot)
            for _ in range(10):  # nothing counted: lane L2 took no cash beyond its float 100
                await pilot.press("enter")
            await settle(pilot)
            assert "Shift" in screen_text(pilot)
        assert lane2.shifts.open_for("L2") is None
        (changes,) = backend.db.execute(
            "SELECT changes FROM audit_log WHERE action = 'shift_close_back_office'"
        ).fetchone()
        body = json.loads(changes)
        assert body["over_short"] == "-100.00" and body["approved_by"] == store.supervisor.id
        assert body["closed_from_lane"] == "L1"
    finally:
        lane2.close()


def test_cli_lists_shows_and_exports(
    backend: Backend, store: Store, db_path: Path, tmp_path: Path
) -> None:
    _closed_shift(backend, store)
    runner = CliRunner()
    listed = cli_runner_invoke(runner, ["--db", str(db_path), "shifts", "list", "--lane", "L1"])
    assert listed.exit_code == 0 and "closed" in listed.output and "105.00" in listed.output
    shown = cli_runner_invoke(runner, ["--db", str(db_path), "shifts", "show", "1"])
    assert "Z REPORT 1" in shown.output and "Grand total" in shown.output
    out = tmp_path / "shifts.csv"
    done = cli_runner_invoke(runner, ["--db", str(db_path), "shifts", "export", str(out)])
    assert done.exit_code == 0
    (row,) = list(csv.DictReader(out.open(encoding="utf-8")))
    assert row["z_number"] == "1" and row["grand_total"] == "105.00"
    assert row["counted_cash"] == "205.00" and row["over_short"] == "0.00"
    verify = cli_runner_invoke(runner, ["--db", str(db_path), "journal", "verify"])
    assert "Z reports: 1 checked" in verify.output
