"""The lane app syncs on a worker thread and its top bar says so: online, queued N, last sync;
offline when head office cannot be reached, selling on; caught up when it is back."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from pos_tui.app import create_app
from pos_tui.storage.hq.cluster import Cluster
from pos_tui.widgets.lane_bar import LaneBar
from tests.app.conftest import settle, sign_in
from tests.catalog import build_store
from tests.sync.headoffice import HeadOffice, Lane


async def bar_shows(
    pilot: Pilot[Any], text: str, timeout_s: float = 60, *, unless: str | None = None
) -> str:
    """Wait for the top bar to show ``text`` (the worker's next status), and not ``unless``."""
    deadline = time.monotonic() + timeout_s
    shown = ""
    while time.monotonic() < deadline:
        await pilot.pause(0.05)
        bars = list(pilot.app.screen.query(LaneBar))
        shown = str(bars[0].render()) if bars else ""
        if text in shown and (unless is None or unless not in shown):
            return shown
    raise AssertionError(f"the bar never showed {text!r}; last: {shown!r}")


async def ring_up(pilot: Pilot[Any]) -> None:
    await pilot.press(*"APPLE", "enter")
    await settle(pilot)
    await pilot.press("f5")
    await settle(pilot)
    await pilot.press("enter")  # cash, the amount due
    await settle(pilot)


async def test_the_top_bar_follows_sync_online_offline_and_back(
    make_lane: Callable[..., Lane], hq: HeadOffice, pg_cluster: Cluster
) -> None:
    lane = make_lane("A1", offline_after_seconds=2)
    build_store(lane.backend)
    app = create_app(lane.settings, backend=lane.backend)
    async with app.run_test(size=(100, 24)) as pilot:
        await bar_shows(pilot, "online · queued 0 · synced")
        await sign_in(pilot)
        await bar_shows(pilot, "online · queued 0")
        assert hq.one("SELECT count(*) FROM hq.customers") == 4
        await ring_up(pilot)
        await bar_shows(pilot, "online · queued 0")
        assert hq.one("SELECT count(*) FROM hq.sales") == 1
        pg_cluster.stop()
        try:
            await ring_up(pilot)  # the lane sells on
            # The worker may say offline before the sale's rows are counted: wait for both.
            await bar_shows(pilot, "offline · queued", unless="queued 0")
        finally:
            pg_cluster.start()
        await bar_shows(pilot, "online · queued 0", timeout_s=120)
    assert hq.one("SELECT count(*) FROM hq.sales") == 2


async def test_the_bar_fits_80_columns_with_sync_on(
    make_lane: Callable[..., Lane], hq: HeadOffice
) -> None:
    lane = make_lane("A1")
    build_store(lane.backend)
    app = create_app(lane.settings, backend=lane.backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        shown = await bar_shows(pilot, "online · queued 0 · synced")
        assert shown.startswith("Lane A1 · Store S1 · Cass Cashier (cashier)")
        assert len(shown) <= 78
