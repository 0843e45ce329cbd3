"""Snapshots of the lane at 80x24 (SSH) and 120x40, with a fixed clock and the known store.

Create or refresh the baselines with ``pytest tests/app/test_snapshots.py --snapshot-update``
and look at the SVGs in ``tests/app/__snapshots__`` before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from pos_tui.app import PosApp
from tests.app.conftest import enter, settle, sign_in

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


async def _still(pilot: Pilot[Any]) -> None:
    """No blinking cursor in a snapshot."""
    await settle(pilot)
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    # Tables size their columns when idle: wait until every table has.
    for _ in range(50):
        await pilot.pause(0.05)
        tables = pilot.app.screen.query(DataTable)
        if not any(t._require_update_dimensions for t in tables):
            break
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


async def _cart_with_customer(pilot: Pilot[Any]) -> None:
    await sign_in(pilot)
    await pilot.press("f2")
    await settle(pilot)
    await enter(pilot, "9876543210")
    await enter(pilot, "3*8901234567890")
    await enter(pilot, "BAG")


async def _signed_out(pilot: Pilot[Any]) -> None:
    await _still(pilot)


async def _checkout(pilot: Pilot[Any]) -> None:
    await _cart_with_customer(pilot)
    await _still(pilot)


async def _tender(pilot: Pilot[Any]) -> None:
    await _cart_with_customer(pilot)
    await pilot.press("f5")
    await _still(pilot)


async def _customer_search(pilot: Pilot[Any]) -> None:
    await sign_in(pilot)
    await pilot.press("f2")
    await settle(pilot)
    await pilot.press("a", "n")  # Anna only: other customers have generated card codes
    await _still(pilot)


SCREENS: dict[str, Callable[[Pilot[Any]], Awaitable[None]]] = {
    "sign_in": _signed_out,
    "checkout": _checkout,
    "tender": _tender,
    "customer_search": _customer_search,
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", list(SCREENS))
def test_lane_snapshot(
    snap_compare: Callable[..., bool], app: PosApp, name: str, size: tuple[int, int]
) -> None:
    assert snap_compare(app, terminal_size=size, run_before=SCREENS[name])


async def _sign_in_locked(pilot: Pilot[Any]) -> None:
    """Five wrong PINs: the lockout's message, its wait and the supervisor's key."""
    for _ in range(5):
        pilot.app.screen.query_one("#number", Input).value = ""
        await sign_in(pilot, "101", "9999")
    await _still(pilot)


def test_sign_in_lockout_snapshot(snap_compare: Callable[..., bool], app: PosApp) -> None:
    assert snap_compare(app, terminal_size=(80, 24), run_before=_sign_in_locked)
