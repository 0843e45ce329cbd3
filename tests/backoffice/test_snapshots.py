"""Snapshots of the customer form (with a refusal next to its field) and of the history chart,
at 80x24 and 120x40 with the fixed clock and the known store.

Refresh with ``pytest tests/backoffice/test_snapshots.py --snapshot-update`` and look at the
SVGs in ``tests/backoffice/__snapshots__`` before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from pos_tui.app import PosApp
from pos_tui.screens.backoffice.customer_form import CustomerFormScreen
from pos_tui.screens.backoffice.customer_views import HistoryScreen
from pos_tui.services.runtime.backend import Backend
from tests.backoffice.conftest import open_back_office, settle
from tests.backoffice.helpers import history_of_anna
from tests.catalog import Store
from tests.conftest import Clock

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


async def _still(pilot: Pilot[Any]) -> None:
    """No blinking cursor, tables sized."""
    await settle(pilot)
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    for _ in range(50):
        await pilot.pause(0.05)
        if not any(t._require_update_dimensions for t in pilot.app.screen.query(DataTable)):
            break
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_customer_form_snapshot(
    snap_compare: Callable[..., bool], app: PosApp, store: Store, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await open_back_office(pilot, CustomerFormScreen(store.bob))
        screen = pilot.app.screen
        assert isinstance(screen, CustomerFormScreen)
        screen.set_value("mobile", "9876543210")  # Anna's
        await pilot.press("ctrl+s")
        await _still(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_history_chart_snapshot(
    snap_compare: Callable[..., bool],
    app: PosApp,
    backend: Backend,
    store: Store,
    clock: Clock,
    size: tuple[int, int],
) -> None:
    history_of_anna(backend, store, clock)

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_back_office(pilot, HistoryScreen(store.anna))
        await _still(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
