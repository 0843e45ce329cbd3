"""A whole shift driven from the keyboard under Pilot, step by step (tests/app and
tests/hardware share it): float, a sale of every tender, paid in and out, a drop, a payment on
account, an X report, the count and the Z."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from pos_tui.config import Settings
from pos_tui.screens.dialogs import ChoiceScreen
from pos_tui.screens.shift import CountScreen, ReportScreen
from pos_tui.services.runtime.backend import Backend
from pos_tui.services.shifts.counts import denomination_keys
from pos_tui.services.shifts.service import ShiftService
from tests.app.conftest import enter, settle, sign_in
from tests.app.helpers_lane import message, view

MENU = ["x", "paid_in", "paid_out", "cash_drop", "payment", "close"]


async def open_with_float(pilot: Pilot[Any], amount: str) -> None:
    await sign_in(pilot)
    assert isinstance(pilot.app.screen, CountScreen), "the first sign-in asks for the float"
    await enter(pilot, amount)
    assert "open with a float of" in message(pilot), message(pilot)


async def sell_every_tender(pilot: Pilot[Any]) -> None:
    await enter(pilot, "APPLE")  # cash 200: change 95.00
    await pilot.press("f5")
    await settle(pilot)
    await enter(pilot, "200")
    assert view(pilot).empty
    await enter(pilot, "RUM")  # card 1000.00
    await pilot.press("f5")
    await settle(pilot)
    await pilot.press("f6")
    await settle(pilot)
    await enter(pilot, "AUTH-1")
    assert view(pilot).empty
    await _attach(pilot, "Acme")  # on account 105.00
    await enter(pilot, "APPLE")
    await pilot.press("f5")
    await settle(pilot)
    await pilot.press("f7")
    await settle(pilot)
    await enter(pilot, "4321")
    await enter(pilot, "PO-1")
    assert view(pilot).empty, message(pilot)
    await _attach(pilot, "9876543210")  # Anna: 10 points = 25.00, the rest (80.00) in cash
    await enter(pilot, "APPLE")
    await pilot.press("f5")
    await settle(pilot)
    await pilot.press("f8")
    await settle(pilot)
    await enter(pilot, "10")
    await pilot.press("enter")
    await settle(pilot)
    assert view(pilot).empty, message(pilot)


async def _attach(pilot: Pilot[Any], text: str) -> None:
    await pilot.press("f2")
    await settle(pilot)
    await enter(pilot, text)


async def menu(pilot: Pilot[Any], choice: str) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ChoiceScreen)
    await pilot.press(*["down"] * MENU.index(choice), "enter")
    await settle(pilot)


async def cash_moves(pilot: Pilot[Any]) -> None:
    await menu(pilot, "paid_in")
    await pilot.press("enter")  # the first reason: FLOAT
    await settle(pilot)
    await enter(pilot, "50")
    await enter(pilot, "bank")
    assert "Paid in 50.00 recorded" in message(pilot), message(pilot)
    await menu(pilot, "paid_out")
    await pilot.press("enter")  # SUPPLIES
    await settle(pilot)
    await enter(pilot, "20")
    await enter(pilot, "milk")
    assert "Paid out 20.00 recorded" in message(pilot), message(pilot)
    await menu(pilot, "cash_drop")
    await enter(pilot, "100")
    assert "Cash drop 100.00 recorded" in message(pilot), message(pilot)


async def account_payment(pilot: Pilot[Any]) -> None:
    await menu(pilot, "payment")
    await enter(pilot, "Acme")  # the customer
    await pilot.press("enter")  # oldest first
    await settle(pilot)
    await enter(pilot, "60")  # amount
    await enter(pilot, "40")  # cash
    await enter(pilot, "20")  # card
    await enter(pilot, "AUTH-2")
    await enter(pilot, "CHQ-1")
    assert "60.00 paid on account" in message(pilot), message(pilot)


async def x_report(pilot: Pilot[Any], *, print_it: bool) -> str:
    await menu(pilot, "x")
    assert isinstance(pilot.app.screen, ReportScreen)
    text = report_text(pilot)
    if print_it:
        await pilot.press("f6")
        await settle(pilot)
    await pilot.press("escape")
    await settle(pilot)
    return text


def report_text(pilot: Pilot[Any]) -> str:
    screen = pilot.app.screen
    assert isinstance(screen, ReportScreen)
    return str(screen.query_one("#report-text").render())


def pieces_for(settings: Settings, amount: Decimal) -> list[str]:
    """Pieces of each denomination making ``amount``, largest first (what a cashier counts)."""
    out = []
    for key in denomination_keys(settings):
        n = int(amount // Decimal(key))
        amount -= n * Decimal(key)
        out.append(str(n) if n else "")
    assert amount == 0
    return out


async def count_and_close(pilot: Pilot[Any], probe: Backend, *, off_by: str = "0") -> None:
    expected = ShiftService(probe).expected_cash() + Decimal(off_by)
    await menu(pilot, "close")
    assert isinstance(pilot.app.screen, CountScreen)
    for pieces in pieces_for(probe.settings, expected):
        focused = pilot.app.focused
        assert isinstance(focused, Input)
        await enter(pilot, pieces)
    await settle(pilot)
