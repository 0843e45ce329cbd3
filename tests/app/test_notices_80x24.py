"""At 80x24 nothing covers the customer panel, the totals or the cart: at the checkout every
notice is said on the message line (docs/lane.md, "Messages at the checkout"), with errors
marked, and F1 lists the recent ones; on other screens notices stay toasts."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from pos_tui.app import PosApp, create_app
from pos_tui.config import load_settings
from pos_tui.screens.checkout import CheckoutScreen
from pos_tui.screens.dialogs import ChoiceScreen
from pos_tui.screens.help import HelpScreen
from pos_tui.screens.sign_in import SignInScreen
from pos_tui.services.runtime.backend import Backend, open_backend
from pos_tui.services.runtime.lane_devices import DeviceAction
from pos_tui.widgets.customer_panel import CustomerPanel
from pos_tui.widgets.device_bridge import DeviceBridge
from tests.app.conftest import enter, screen_text, settle, sign_in, until_shown
from tests.app.helpers_lane import message, notifications, toasts, view
from tests.catalog import Store
from tests.helpers import HANG_SECONDS

SIZE = (80, 24)


def nothing_covers_the_panel(pilot: Pilot[Any]) -> None:
    """No toast on the checkout, so none over the customer panel, the totals or the cart."""
    screen = pilot.app.screen
    assert isinstance(screen, CheckoutScreen)
    panel = screen.query_one(CustomerPanel).region
    covering = [t for t in screen.query("Toast") if t.region.overlaps(panel)]
    assert covering == [], [str(t.render()) for t in covering]
    assert list(screen.query("Toast")) == [] and toasts(pilot) == []


def _lane_with_a_missing_device(backend: Backend, tmp_path: Path) -> tuple[Backend, PosApp]:
    """The pole display's port is not on this machine: the lane says so and goes on."""
    settings = load_settings(
        database={"path": backend.settings.database.path},
        devices={"pole_display": {"kind": "serial", "url": str(tmp_path / "ttyPOLE")}},
    )
    b = open_backend(settings, now=backend.now)
    return b, create_app(settings, backend=b, now=backend.now)


async def until(pilot: Pilot[Any], check: Callable[[], bool]) -> None:
    """Wait for what a device or the print queue says from its own thread: only a hang
    fails."""
    deadline = time.monotonic() + HANG_SECONDS
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not said: {message(pilot)!r} {notifications(pilot)}")
        await pilot.pause(0.05)


async def pay_cash(pilot: Pilot[Any]) -> None:
    await pilot.press("f5")
    await settle(pilot)
    await enter(pilot, "500")


async def _device_error_shown(pilot: Pilot[Any]) -> str:
    """The pole display's error (the devices open off the UI thread after the first frame)."""
    await until(pilot, lambda: any("ttyPOLE" in n for n in notifications(pilot)))
    return next(n for n in notifications(pilot) if "ttyPOLE" in n)


async def test_a_device_error_at_sign_in_moves_to_the_message_line(
    backend: Backend, store: Store, tmp_path: Path
) -> None:
    b, app = _lane_with_a_missing_device(backend, tmp_path)
    try:
        async with app.run_test(size=SIZE) as pilot:
            said = await _device_error_shown(pilot)
            # On the sign-in screen it is a toast, as on every screen but the checkout.
            assert isinstance(app.screen, SignInScreen)
            assert said in toasts(pilot)
            await sign_in(pilot)
            await settle(pilot)
            # At the checkout it is on the message line, marked as an error.
            line = message(pilot)
            assert line.startswith("! ") and said in line, line
            nothing_covers_the_panel(pilot)
            # Ringing up goes on; the next key gives the line back to the sale.
            await enter(pilot, "4000001")  # Anna's card in the item field
            assert view(pilot).customer is not None
            assert said not in message(pilot)
            nothing_covers_the_panel(pilot)
            # A device error while the line says what the cashier just did: that stays, the
            # error shows at the next key (and F1 has it at once).
            await enter(pilot, "APPLE")
            hint = message(pilot)
            assert "Apple 1kg" in hint, hint
            app.post_message(
                DeviceBridge.Action(DeviceAction("notice", "Paper out", True, "Printer"))
            )
            await settle(pilot)
            assert message(pilot) == hint and "Paper out" in notifications(pilot)
            nothing_covers_the_panel(pilot)
            await pilot.press("1")
            assert message(pilot) == "! Printer: Paper out"
            await pilot.press("enter")  # the next key: the line is the sale's again
            await settle(pilot)
            assert "Paper out" not in message(pilot)
            nothing_covers_the_panel(pilot)
    finally:
        b.close()


async def test_sale_resumed_and_a_committed_sale_on_the_message_line(
    app: PosApp, backend: Backend, store: Store
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await enter(pilot, "4000001")  # Anna's card in the item field
        await enter(pilot, "2*APPLE")
    # The session drops without paying; the next sign-in offers the sale back.
    fresh = open_backend(backend.settings, now=backend.now)
    try:
        again = create_app(fresh.settings, backend=fresh, now=backend.now)
        async with again.run_test(size=SIZE) as pilot:
            await sign_in(pilot)
            assert isinstance(again.screen, ChoiceScreen)
            await pilot.press("enter")  # "Resume the sale"
            await settle(pilot)
            assert message(pilot) == "Sale: Sale resumed"
            assert "Sale resumed" in notifications(pilot)
            nothing_covers_the_panel(pilot)
            await pay_cash(pilot)
            assert "SALE #1 COMPLETE" in screen_text(pilot)
            assert any("Sale 1 committed" in n for n in notifications(pilot))
            # This lane has no receipt printer: the print queue says so once, after the
            # commit, while the line says the sale is complete: that stays until the next key,
            # which shows the printer's error.
            await until(pilot, lambda: any("No receipt printer" in n for n in notifications(pilot)))
            await settle(pilot)
            assert "Sale 1 complete" in message(pilot)
            nothing_covers_the_panel(pilot)
            await pilot.press("B")
            line = message(pilot)
            assert line.startswith("! Printer: No receipt printer is configured"), line
            nothing_covers_the_panel(pilot)
            await pilot.press("A", "G")
            # The next sale: its completion is on the line.
            await enter(pilot, "")
            await pay_cash(pilot)
            line = message(pilot)
            assert line.startswith("Sale 2 complete · change "), line
            assert any("Sale 2 committed" in n for n in notifications(pilot))
            nothing_covers_the_panel(pilot)
    finally:
        fresh.close()


async def test_notices_at_once_none_lost_f1_lists_them(app: PosApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        for text, error in (("Reader ready", False), ("Paper out", True), ("Cover open", True)):
            app.post_message(DeviceBridge.Action(DeviceAction("notice", text, error, "Printer")))
        await settle(pilot)
        # The newest on the line, with how many came with it and where they are.
        assert message(pilot) == "! Printer: Cover open · 2 more: F1"
        nothing_covers_the_panel(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = await until_shown(pilot, "Recent messages", "Keys: Checkout")
        rows = [line for line in text.splitlines() if "Printer" in line]
        assert [r.split("Printer", 1)[1].strip(" │") for r in rows[:3]] == [
            "Cover open",
            "Paper out",
            "Reader ready",
        ], rows
        # Errors are marked in words, not only in colour (NO_COLOR).
        assert "! Printer" in rows[0] and "! Printer" not in rows[2]
        await pilot.press("escape")
        await settle(pilot)
        # After a key the count starts again: one notice, no "more".
        app.post_message(DeviceBridge.Action(DeviceAction("notice", "Paper in", False, "Printer")))
        await settle(pilot)
        assert message(pilot) == "Printer: Paper in"


async def test_other_screens_keep_their_toasts(app: PosApp, store: Store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("f2")  # the customer search
        await settle(pilot)
        assert not isinstance(app.screen, CheckoutScreen)
        app.post_message(DeviceBridge.Action(DeviceAction("notice", "Paper out", True, "Printer")))
        await settle(pilot)
        assert "Paper out" in toasts(pilot)
        # Back at the checkout the toast still showing moves onto the message line.
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CheckoutScreen)
        assert message(pilot) == "! Printer: Paper out"
        nothing_covers_the_panel(pilot)
