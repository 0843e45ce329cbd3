"""Reading the lane in tests: the current sale view, the message line, notifications."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from pos_tui.screens.checkout import CheckoutScreen
from pos_tui.screens.lane import MessageLine
from pos_tui.screens.sale_view import SaleView


def checkout(pilot: Pilot[Any]) -> CheckoutScreen:
    screen = pilot.app.screen
    assert isinstance(screen, CheckoutScreen), f"on {type(screen).__name__}"
    return screen


def view(pilot: Pilot[Any]) -> SaleView:
    v = checkout(pilot).view
    assert v is not None
    return v


def message(pilot: Pilot[Any]) -> str:
    return str(pilot.app.screen.query_one(MessageLine).render())


def notifications(pilot: Pilot[Any]) -> list[str]:
    return [n.message for n in pilot.app._notifications]


def skus(pilot: Pilot[Any]) -> list[tuple[str, str]]:
    return [(line.sku, str(line.quantity)) for line in view(pilot).priced.lines]
