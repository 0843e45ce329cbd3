"""The lane in kiosk mode (``create_app(..., kiosk=True)``) under Pilot: the keys that are
signals elsewhere, the palette, suspend, screenshots, the cursor, a hang-up, an error."""

from __future__ import annotations

import json
import logging
import os
import signal
from pathlib import Path

import pytest
from rich.text import Text

from pos_tui.app import KioskApp, PosApp, create_app
from pos_tui.screens.checkout import CheckoutScreen
from pos_tui.services.runtime.backend import Backend
from tests.app.conftest import focused_input, settle, sign_in
from tests.catalog import Store

TEXTUAL_ONLY = {"Theme", "Quit", "Screenshot", "Maximize", "Minimize"}


@pytest.fixture
def kiosk(backend: Backend, store: Store) -> PosApp:
    return create_app(backend.settings, backend=backend, now=backend.now, kiosk=True)


def notices(app: PosApp) -> list[str]:
    """What the kiosk said: a toast, or at the checkout a message-line notice (F1 lists it)."""
    return [n.text for n in app.notices]


async def test_one_factory_makes_the_kiosk(kiosk: PosApp, app: PosApp) -> None:
    assert isinstance(kiosk, KioskApp) and not isinstance(app, KioskApp)
    stacks = []
    for lane in (kiosk, app):
        async with lane.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert lane.device_bridge is not None
            stacks.append([type(screen).__name__ for screen in lane.screen_stack])
    assert stacks[0] == stacks[1]  # one sign-in screen, one set of devices, as a plain lane


async def test_signal_keys_are_keys_of_the_lane(kiosk: PosApp) -> None:
    async with kiosk.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press(*"BAG", "enter")
        await settle(pilot)
        for key, name in (
            ("ctrl+c", "Ctrl+C"),
            ("ctrl+backslash", "Ctrl+\\"),
            ("ctrl+z", "Ctrl+Z"),
        ):
            await pilot.press(key)
            await settle(pilot)
            assert f"{name} is not used here; F1 lists the keys" in notices(kiosk)
        assert isinstance(kiosk.screen, CheckoutScreen) and kiosk.is_running
        kiosk.action_suspend_process()
        await settle(pilot)
        assert "This lane cannot be suspended" in notices(kiosk)


async def test_the_palette_offers_the_lane_and_nothing_that_reaches_the_host(
    kiosk: PosApp, app: PosApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    async with kiosk.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        titles = {c.title for c in kiosk.get_system_commands(kiosk.screen)}
        assert {"Pay", "Find customer", "Sign out", "Keys"} <= titles
        assert not titles & TEXTUAL_ONLY
        kiosk.action_screenshot()
        assert kiosk.deliver_screenshot() is None
        await settle(pilot)
        assert "Screenshots are not taken on this lane" in notices(kiosk)
    assert not list(tmp_path.glob("*.svg"))  # no screenshot written on the host
    async with app.run_test(size=(80, 24)) as pilot:  # an ordinary lane keeps Textual's
        await sign_in(pilot)
        assert "Screenshot" in {c.title for c in app.get_system_commands(app.screen)}


async def test_the_cursor_does_not_blink_on_a_kiosk(kiosk: PosApp, app: PosApp) -> None:
    for lane, blinks in ((kiosk, False), (app, True)):
        async with lane.run_test(size=(80, 24)) as pilot:
            assert focused_input(pilot).cursor_blink is blinks
            await sign_in(pilot)
            assert focused_input(pilot).cursor_blink is blinks


async def test_a_hang_up_leaves_like_ctrl_q_and_keeps_the_sale(
    kiosk: PosApp, backend: Backend
) -> None:
    async with kiosk.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press(*"BAG", "enter")
        await settle(pilot)
        # The kiosk's handler takes it (the default would end the test run).
        os.kill(os.getpid(), signal.SIGHUP)
        for _ in range(200):
            if not kiosk.is_running:
                break
            await pilot.pause(0.05)
        assert not kiosk.is_running
    assert kiosk.return_code in (None, 0)
    [left] = backend.open_sales.for_lane(backend.settings.lane.id, "in_progress")
    bag = backend.catalog.item_by_sku_or_barcode("BAG")
    assert bag is not None
    assert [line["item_id"] for line in json.loads(left.state)["lines"]] == [bag.id]
    assert signal.getsignal(signal.SIGTSTP) is not signal.SIG_IGN  # put back on unmount


async def test_an_error_that_ends_the_lane_goes_to_the_log(
    kiosk: PosApp, caplog: pytest.LogCaptureFixture
) -> None:
    kiosk._exit_renderables.append(Text("Traceback: boom"))
    with caplog.at_level(logging.ERROR, logger="pos_tui.app"):
        kiosk._print_error_renderables()
    assert "the lane stopped on an error" in caplog.text and "boom" in caplog.text
    assert kiosk._exit_renderables == []
