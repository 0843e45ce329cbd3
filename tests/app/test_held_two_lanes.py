"""Two lanes on one database under Pilot: a held sale recalled on both goes to one lane, and the
other lane is told which lane has it."""

from __future__ import annotations

import asyncio
from pathlib import Path

from pos_tui.app import PosApp, create_app
from pos_tui.screens.held import HeldSalesScreen
from pos_tui.services.runtime.backend import Backend
from tests.app.conftest import enter, screen_text, settle, sign_in
from tests.app.helpers_lane import message, notifications, skus, view
from tests.catalog import Store
from tests.helpers import lane_backend


async def test_a_held_sale_recalled_on_two_lanes_goes_to_one(
    app: PosApp, backend: Backend, store: Store, db_path: Path
) -> None:
    lane2 = lane_backend(db_path, "L2", now=backend.now)
    other = create_app(lane2.settings, backend=lane2, now=lane2.now)
    l1_list_open, l2_recalled, l1_told = asyncio.Event(), asyncio.Event(), asyncio.Event()
    seen: dict[str, object] = {}

    async def lane_one() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await sign_in(pilot)  # Cass Cashier
            await enter(pilot, "2*APPLE")
            await pilot.press("ctrl+o")
            await settle(pilot)
            await enter(pilot, "blue jacket")
            await pilot.press("ctrl+g")
            await settle(pilot)
            assert isinstance(app.screen, HeldSalesScreen)
            assert "blue jacket" in screen_text(pilot)
            l1_list_open.set()
            await l2_recalled.wait()
            # The list still shows it; lane L2 took it a moment ago.
            await pilot.press("enter")
            await settle(pilot)
            seen["l1_notes"] = notifications(pilot)
            seen["l1_message"] = message(pilot)
            seen["l1_empty"] = view(pilot).empty
            l1_told.set()

    async def lane_two() -> None:
        async with other.run_test(size=(80, 24)) as pilot:
            await sign_in(pilot, "201", "2345")  # Sue Supervisor
            await l1_list_open.wait()
            await pilot.press("ctrl+g")
            await settle(pilot)
            assert isinstance(other.screen, HeldSalesScreen)
            assert "blue jacket" in screen_text(pilot) and "L1" in screen_text(pilot)
            await pilot.press("enter")
            await settle(pilot)
            seen["l2_skus"] = skus(pilot)
            l2_recalled.set()
            await l1_told.wait()
            await pilot.press("f5")
            await settle(pilot)
            await pilot.press("enter")  # cash, exact
            await settle(pilot)
            seen["l2_empty_after_pay"] = view(pilot).empty

    try:
        await asyncio.gather(lane_one(), lane_two())
    finally:
        lane2.close()
    assert seen["l2_skus"] == [("APPLE", "2")]
    told = "Sale #1 is already open on lane L2 (Sue Supervisor)"
    assert told in str(seen["l1_notes"]) and told in str(seen["l1_message"])
    assert seen["l1_empty"] is True, "the lane that lost the race has nothing in its cart"
    assert seen["l2_empty_after_pay"] is True
    sales = backend.db.execute("SELECT lane_id, employee_id, total FROM sales").fetchall()
    assert sales == [("L2", store.supervisor.id, "210.00")], "committed once, on lane L2"
    assert backend.db.execute("SELECT count(*) FROM open_sales").fetchone()[0] == 0
    assert backend.journal.verify() == (1, None)
