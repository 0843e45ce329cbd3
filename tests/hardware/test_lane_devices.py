"""The lane app with its devices: Pilot drives the real `PosApp` on a real temporary database,
configured through `[devices.*]` to the real virtual stacks (pcscd + vpcd card, socat ptys,
emupos). Nothing is mocked: the app builds its drivers from the config as on a till.
"""

from __future__ import annotations

import asyncio
import importlib.machinery
import threading
import types
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import serial
from textual import events
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from pos_tui.app import CustomerListScreen, PosApp
from pos_tui.config import load_settings
from pos_tui.hardware.events import ignore_event
from pos_tui.hardware.registry import DeviceSet
from pos_tui.hardware.serial_lines import SerialScanner
from pos_tui.screens.card_prompt import CardPromptScreen
from pos_tui.screens.customer_search import CustomerSearchScreen
from pos_tui.screens.dialogs import PromptScreen
from pos_tui.screens.sales_list import SalesListScreen
from pos_tui.services.runtime.lane_devices import SETTING_METHOD_OF_INPUT, LaneDevices
from tests.app.conftest import enter, settle, sign_in
from tests.app.helpers_lane import message, notifications, skus, toasts, view

from .conftest import READER
from .lane_helpers import LaneFactory, PtyReader, pay_cash, printer_table, until
from .stacks import REPO_ROOT, Emupos, PtyPair, VirtualCard, wait_reader_state, wait_until

pytestmark = pytest.mark.hardware

VIRTUAL_HARDWARE = REPO_ROOT / "scripts" / "virtual-hardware"
PtyFactory = Callable[[str], PtyPair]


@pytest.fixture
def card() -> Iterator[VirtualCard]:
    virtual = VirtualCard(card_number="4000001")  # Anna's loyalty card
    yield virtual
    virtual.remove()


@pytest.fixture
def pole(pty_pair: PtyFactory) -> Iterator[tuple[PtyPair, PtyReader]]:
    """A pole display pty pair and what arrives on its device end."""
    pair = pty_pair("pole")
    reader = PtyReader(pair.device_end)
    yield pair, reader
    reader.close()


def devices(app: PosApp) -> DeviceSet:
    assert app.device_bridge is not None, "the app opened its devices on mount"
    return app.device_bridge.lane.devices


def customer_name(pilot: Pilot[Any]) -> str | None:
    customer = view(pilot).customer
    return customer.name if customer else None


# -- card reader --------------------------------------------------------------------------------


async def test_card_attaches_customer_reinsert_and_card_errors(
    lane: LaneFactory, reader: str, card: VirtualCard, pole: tuple[PtyPair, PtyReader]
) -> None:
    pole_pty, display = pole
    app, _probe = lane(
        {
            "card_reader": {"kind": "pcsc", "reader": READER, "profile": "loyalty_app"},
            "pole_display": {"kind": "serial", "url": str(pole_pty.app_end)},
        }
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        reader_driver = devices(app).card_reader
        assert reader_driver is not None
        await until(pilot, lambda: reader_driver.state == "ready", "reader ready")
        card.insert()
        await until(pilot, lambda: customer_name(pilot) == "Anna Smith", "Anna attached by card")
        await until(
            pilot, lambda: b"Welcome" in display.data and b"Anna Smith" in display.data, "welcome"
        )

        # Off and on again: the next read attaches her again.
        card.remove()
        # At the checkout card events are never a toast over the customer panel: on the
        # message line, or (the line saying what the cashier just did) in F1's list.
        await until(
            pilot, lambda: any("Card removed" in n for n in notifications(pilot)), "removed"
        )
        assert not any("Card removed" in n for n in toasts(pilot))
        await pilot.press("ctrl+b")  # drop the customer
        await settle(pilot)
        assert customer_name(pilot) is None
        assert wait_reader_state(reader, present=False)
        card.insert()
        await until(pilot, lambda: customer_name(pilot) == "Anna Smith", "Anna attached again")
        card.remove()
        assert wait_reader_state(reader, present=False)

        # A card without our application: a device error for the cashier; the lane carries on.
        card.mode = "foreign"
        card.insert()
        await until(
            pilot,
            lambda: any("Card not accepted" in n for n in notifications(pilot)),
            "a card error said",
        )
        assert not any("Card not accepted" in n for n in toasts(pilot))
        # An error: on the line now, or at the next key when the line held the screen's words.
        error = "! Card reader: Card not accepted"
        if error not in message(pilot):
            await pilot.press("A")
            assert error in message(pilot)
            await pilot.press("backspace")
        await enter(pilot, "APPLE")
        assert skus(pilot) == [("APPLE", "1")]

        # Method of input `smart_card`: F2 waits for the card; the card answers the prompt.
        card.remove()
        card.mode = "ok"
        await pilot.press("ctrl+b")
        await settle(pilot)
        await app.call_service(app.backend.store.set_setting, SETTING_METHOD_OF_INPUT, "smart_card")
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, CardPromptScreen)
        assert wait_reader_state(reader, present=False)
        card.insert()
        await until(
            pilot, lambda: customer_name(pilot) == "Anna Smith", "Anna attached at the prompt"
        )
        assert not isinstance(app.screen, CardPromptScreen)
        # Escape at the prompt falls back to typing.
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen) is CustomerSearchScreen


# -- scanner, pole display, printer and drawer ------------------------------------------------------


async def test_serial_scanner_pole_display_receipt_and_drawer(
    lane: LaneFactory, pty_pair: PtyFactory, pole: tuple[PtyPair, PtyReader], emupos: Emupos
) -> None:
    scanner = pty_pair("scanner")
    pole_pty, display = pole
    emupos.close_drawer()
    app, backend = lane(
        {
            "printer": printer_table(emupos),
            "scanner": {"kind": "serial", "url": str(scanner.app_end)},
            "pole_display": {"kind": "serial", "url": str(pole_pty.app_end)},
        }
    )
    known = len(emupos.receipts())
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await sign_in(pilot)
            await until(pilot, lambda: b"pos-tui demo store" in display.data, "idle message")
            port = devices(app).scanner
            assert isinstance(port, SerialScanner)
            assert await asyncio.to_thread(port.wait_open, 5)
            with serial.Serial(str(scanner.device_end)) as device:
                device.write(b"8901234567890\r\n")
            await until(pilot, lambda: skus(pilot) == [("APPLE", "1")], "APPLE scanned")
            await until(
                pilot,
                lambda: b"Apple 1kg" in display.data and b"100.00" in display.data,
                "item on the pole",
            )

            display.take()
            await pilot.press("f5")
            await settle(pilot)
            await until(
                pilot,
                lambda: (
                    b"TOTAL" in display.data
                    and b"REMAINING" in display.data
                    and b"105.00" in display.data
                ),
                "total due on the pole",
            )
            await enter(pilot, "200")
            await until(
                pilot,
                lambda: b"CHANGE" in display.data and b"95.00" in display.data,
                "change on the pole",
            )

            receipt = emupos.wait_new_receipt(known)
            text = emupos.receipt_text(receipt["id"])
            assert "Apple 1kg" in text
            assert any(
                line.startswith("TOTAL") and line.endswith(" Rs.105.00")
                for line in text.splitlines()
            )
            assert any(
                line.startswith("Change") and line.endswith(" 95.00") for line in text.splitlines()
            )
            assert emupos.drawer() == "open"
            await until(
                pilot, lambda: backend.print_jobs.pending("L1") == [], "receipt job printed"
            )

            # Reprint from the sales list: queued on the lane's connection, printed by the worker.
            await pilot.press("ctrl+l")
            await settle(pilot)
            assert isinstance(app.screen, SalesListScreen)
            await enter(pilot, "1")
            await pilot.press("f6")
            await settle(pilot)
            reprint = emupos.wait_new_receipt(known + 1)
            assert "*** REPRINT ***" in emupos.receipt_text(reprint["id"])
            await pilot.press("escape")
            await settle(pilot)
            # A void clears the sale: the pole goes idle.
            await enter(pilot, "BAG")
            display.take()
            await pilot.press("ctrl+y")
            await settle(pilot)
            await pilot.press("down", "enter")
            await settle(pilot)
            assert view(pilot).empty
            await until(pilot, lambda: b"pos-tui demo store" in display.data, "idle after a void")
    finally:
        emupos.close_drawer()


async def test_paper_out_keeps_sale_and_job_until_the_retry_prints(
    lane: LaneFactory, emupos: Emupos
) -> None:
    app, backend = lane({"printer": printer_table(emupos)})
    app.PRINT_RETRY_SECONDS = 0.5
    known = len(emupos.receipts())
    emupos.set_fault("paper-out")
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await sign_in(pilot)
            await enter(pilot, "APPLE")
            await pay_cash(pilot, "105")
            sale = backend.journal.last("L1")
            assert sale is not None and sale.total == Decimal("105.00")  # committed all the same
            await until(
                pilot,
                lambda: any("Receipt L1-000001 not printed" in n for n in notifications(pilot)),
                "'Receipt not printed' notice",
            )
            (job,) = backend.print_jobs.pending("L1")
            assert job.status == "queued" and "out of paper" in (job.last_error or "")
            assert len(emupos.receipts()) == known
            emupos.clear_fault("paper-out")
            await until(
                pilot, lambda: backend.print_jobs.pending("L1") == [], "retried", timeout=10
            )
            await until(
                pilot,
                lambda: "Receipt L1-000001 printed (late copy)" in notifications(pilot),
                "printed notice",
            )
        text = emupos.receipt_text(emupos.wait_new_receipt(known)["id"])
        assert "Sale L1-000001" in text and "Rs.105.00" in text
    finally:
        emupos.clear_fault("paper-out")


# -- a lane whose devices fail ----------------------------------------------------------------------


async def test_bad_device_config_lane_signs_in_and_sells(lane: LaneFactory, tmp_path: Path) -> None:
    app, backend = lane(
        {
            "printer": {"kind": "network", "host": "127.0.0.1", "profile": "NO-SUCH-PRINTER"},
            "scanner": {"kind": "serial", "url": str(tmp_path / "no-such-tty")},
            "pole_display": {"kind": "serial", "url": "socket://127.0.0.1:1"},
        }
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await until(
            pilot,
            lambda: any("devices.printer.profile" in n for n in notifications(pilot)),
            "the bad printer profile named",
        )
        await until(
            pilot, lambda: any("Cannot open" in n for n in notifications(pilot)), "scanner offline"
        )
        await sign_in(pilot)
        await enter(pilot, "APPLE")
        await pay_cash(pilot, "105")
        assert view(pilot).empty
        await until(
            pilot,
            lambda: any("No receipt printer is configured" in n for n in notifications(pilot)),
            "receipts queued notice",
        )
        await enter(pilot, "BAG")
        await pay_cash(pilot, "5")
        await settle(pilot)
        told = [n for n in notifications(pilot) if "No receipt printer" in n]
        assert len(told) == 1, "told once, not once per sale"
    assert backend.journal.last("L1").sale_number == 2  # type: ignore[union-attr]
    assert [j.kind for j in backend.print_jobs.pending("L1")] == ["receipt", "receipt"]


# -- keyboard wedges and the method of input ----------------------------------------------------------


def burst(app: PosApp, text: str) -> None:
    """A wedge device typing: every key within microseconds, then Enter."""
    for char in text:
        app.post_message(events.Key(char if char.isalnum() else f"char-{ord(char)}", char))
    app.post_message(events.Key("enter", "\r"))


async def test_keyboard_wedge_scans_and_swipes_and_methods_of_input(lane: LaneFactory) -> None:
    app, _probe = lane({"scanner": {"kind": "keyboard"}, "magstripe": {"kind": "keyboard"}})
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"101", "enter")
        await pilot.press(*"1234", "enter")  # the sign-in screen is never watched
        await settle(pilot)
        # In the entry a fast code is the entry's own: the item is added.
        burst(app, "8901234567890")
        await until(pilot, lambda: skus(pilot) == [("APPLE", "1")], "wedge scan in the entry")
        # A swipe in the entry attaches the card's customer instead of looking up an item.
        burst(app, "%B4000001^SMITH/ANNA^2912?;4000001=2912?")
        await until(pilot, lambda: customer_name(pilot) == "Anna Smith", "swipe attaches Anna")
        await pilot.press("ctrl+b")
        await settle(pilot)

        # A modal open: a scan is taken as a scan, never typed into the search field.
        await pilot.press("f2")
        await settle(pilot)
        assert type(app.screen) is CustomerSearchScreen
        burst(app, "8901234567890")
        await until(
            pilot,
            lambda: any("Scanned 8901234567890" in n for n in notifications(pilot)),
            "scan notice",
        )
        query = app.screen.query_one("#customer-query", Input)
        assert query.value == ""
        # A person typing (slower than a scanner) still types.
        await pilot.press("a", "wait:60", "n", "wait:60", "n", "wait:60", "a", "wait:60")
        await settle(pilot)
        assert query.value == "anna"
        await pilot.press("escape")
        await settle(pilot)

        # num_pad: digits only, the card or mobile number attaches.
        await app.call_service(app.backend.store.set_setting, SETTING_METHOD_OF_INPUT, "num_pad")
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*" 9-8x", "wait:60")  # slow keys: typing; the field takes digits only
        field = app.screen.query_one(Input)
        assert field.value == "98"
        field.value = "9876543210"
        await pilot.press("wait:60", "enter")
        await settle(pilot)
        assert customer_name(pilot) == "Anna Smith"
        await pilot.press("ctrl+b")
        await settle(pilot)

        # list: the customers by name to choose from.
        await app.call_service(app.backend.store.set_setting, SETTING_METHOD_OF_INPUT, "list")
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, CustomerListScreen)
        await until(
            pilot,
            lambda: app.screen.query_one("#customer-results", DataTable).row_count >= 4,
            "the list",
        )
        await pilot.press("enter")
        await settle(pilot)
        assert customer_name(pilot) is not None


@pytest.fixture(autouse=True)
def _no_leftover_threads() -> Iterator[None]:
    """Every device and print thread the app started is gone after the app exits."""
    before = {t.ident for t in threading.enumerate()}
    yield
    assert wait_until(
        lambda: (
            not [
                t
                for t in threading.enumerate()
                if t.ident not in before
                and t.name
                in ("print-queue", "scanner-serial", "pole_display-vfd", "card_reader-pcsc")
            ]
        ),
        5,
    )


def test_virtual_hardware_config_snippet_builds_every_device(
    pty_pair: PtyFactory, emupos: Emupos, tmp_path: Path
) -> None:
    """What scripts/virtual-hardware prints works as `pos-tui --config FILE`."""
    loader = importlib.machinery.SourceFileLoader("virtual_hardware", str(VIRTUAL_HARDWARE))
    script = types.ModuleType(loader.name)
    script.__file__ = str(VIRTUAL_HARDWARE)
    loader.exec_module(script)
    snippet = script.config_snippet(
        emupos, pty_pair("scanner"), pty_pair("magstripe"), pty_pair("pole"), "loyalty_app"
    )
    config = tmp_path / "devices.toml"
    config.write_text(snippet, encoding="utf-8")
    lane_devices = LaneDevices(load_settings(config), ignore_event)
    assert lane_devices.errors == []
    assert [(row.name, row.kind) for row in lane_devices.devices.describe()] == [
        ("printer", "network"),
        ("card_reader", "pcsc"),
        ("scanner", "serial"),
        ("magstripe", "serial"),
        ("pole_display", "serial"),
        ("drawer", "printer"),  # the shipped default: on the printer's kick connector
    ]
