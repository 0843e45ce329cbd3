"""Reading the lane in tests: the current sale view, the message line, notifications."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import App
from textual.pilot import Pilot

from pos_tui.screens.checkout import CheckoutScreen
from pos_tui.screens.lane import MessageLine
from pos_tui.services.checkout.sale_view import SaleView


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
    """Every notice the lane said (a toast, or at the checkout a message-line notice), as
    F1 lists them (screens/notices.py)."""
    return [n.text for n in getattr(pilot.app, "notices", ())]


def toasts(pilot: Pilot[Any]) -> list[str]:
    """The notices shown as toasts and still on screen."""
    return [n.message for n in pilot.app._notifications]


def skus(pilot: Pilot[Any]) -> list[tuple[str, str]]:
    return [(line.sku, str(line.quantity)) for line in view(pilot).priced.lines]


_CHARACTERS = {"tab": "\t", "enter": "\r", "minus": "-", "full_stop": "."}


def burst(app: App[Any], *keys: str) -> None:
    """Keys as a fast typist, keypad or wedge sends them: all queued at once, none waiting for
    the screen to catch up (``Pilot.press`` waits until the app is idle after every key)."""
    for key in keys:
        if len(key) == 1:
            char: str | None = key
        elif key.startswith("char-"):  # any character by its code: "char-37" is "%"
            char = chr(int(key.removeprefix("char-")))
        else:
            char = _CHARACTERS.get(key)
        app.post_message(events.Key(key, char))
