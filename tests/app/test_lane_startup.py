"""Sign-in typed ahead of the screen, and what one scan repaints (README "Performance")."""

from __future__ import annotations

from typing import Any

import pytest
from textual import events
from textual.widget import Widget

from pos_tui.app import PosApp
from pos_tui.screens.checkout import CheckoutScreen
from tests.app.conftest import enter, settle, sign_in


async def test_number_and_pin_typed_ahead_sign_in(app: PosApp) -> None:
    """Every key arrives before the first is handled (a busy lane starting, a fast cashier):
    Enter still moves on to the PIN before the PIN's digits are delivered."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for char in "101\r1234\r":
            key = "enter" if char == "\r" else char
            app.post_message(events.Key(key, char))
        await settle(pilot)
        assert isinstance(app.screen, CheckoutScreen)
        assert app.employee is not None and app.employee.number == "101"


async def test_a_scan_repaints_only_what_changed(
    app: PosApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The customer panel (no customer) is left alone, and no panel asks for a layout pass of
    the screen (the totals keep their widths from APPLE to BAG): only the entry and the cart,
    whose sizes do change."""
    calls: list[tuple[str, bool]] = []
    refresh = Widget.refresh

    def spy(self: Widget, *regions: Any, **kwargs: Any) -> Widget:
        calls.append((type(self).__name__, bool(kwargs.get("layout"))))
        return refresh(self, *regions, **kwargs)

    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await enter(pilot, "APPLE")
        monkeypatch.setattr(Widget, "refresh", spy)
        await enter(pilot, "BAG")
        monkeypatch.undo()
        refreshed = {name for name, _ in calls}
        laid_out = {name for name, layout in calls if layout}
        assert "CustomerPanel" not in refreshed
        assert {"TotalsPanel", "MessageLine", "CartTable"} <= refreshed
        assert laid_out <= {"Input", "CartTable"}, laid_out
