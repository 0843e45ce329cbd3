"""DeviceSet: a whole lane built from config, on the real stacks, and a lane with no devices."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pos_tui.hardware.config_values import HardwareConfigError
from pos_tui.hardware.events import CardRead, ReaderStatus, Scan
from pos_tui.hardware.receipt_text import Cut, ReceiptDocument, TextLine
from pos_tui.hardware.registry import DeviceInfo, DeviceSet

from .conftest import EventLog
from .stacks import Emupos, PtyPair, VirtualCard

pytestmark = [pytest.mark.hardware, pytest.mark.xdist_group("pcscd")]


def test_lane_without_devices_works() -> None:
    for config in (None, {}, {name: {"kind": "none"} for name in ("printer", "scanner")}):
        devices = DeviceSet.from_config(config)
        devices.start()
        devices.stop()
        assert [row.state for row in devices.describe()] == ["disabled"] * 6
        assert devices.cash_drawer is None
        assert devices.printer is None and devices.card_reader is None


def test_full_lane_from_config(
    reader: str,
    emupos: Emupos,
    pty_pair: Callable[[str], PtyPair],
    events: EventLog,
) -> None:
    scanner_pty, display_pty = pty_pair("scanner"), pty_pair("display")
    devices = DeviceSet.from_config(
        {
            "printer": {"kind": "network", "host": "127.0.0.1", "port": emupos.printer_port},
            "card_reader": {"kind": "pcsc", "reader": "PCD 00 00", "profile": "uid"},
            "scanner": {"kind": "serial", "url": str(scanner_pty.app_end)},
            "magstripe": {"kind": "keyboard"},
            "pole_display": {"kind": "serial", "url": str(display_pty.app_end)},
        },
        events,
    )
    devices.start()
    card = VirtualCard()
    try:
        events.wait_for(ReaderStatus, lambda e: e.ready)
        card.insert()
        assert events.wait_for(CardRead).card_number == card.uid.hex().upper()
        with open(scanner_pty.device_end, "wb", buffering=0) as scanner:
            scanner.write(b"4006381333931\r")
        assert events.wait_for(Scan).code == "4006381333931"
        known = len(emupos.receipts())
        assert devices.printer is not None
        devices.printer.print_receipt(ReceiptDocument((TextLine("registry"), Cut())))
        assert "registry" in emupos.receipt_text(emupos.wait_new_receipt(known)["id"])

        rows = {row.name: row for row in devices.describe()}
        assert rows["printer"] == DeviceInfo(
            "printer", "network", f"127.0.0.1:{emupos.printer_port}", "ready"
        )
        assert rows["card_reader"].kind == "pcsc" and rows["card_reader"].state == "ready"
        assert rows["scanner"].kind == "serial" and rows["scanner"].state == "online"
        assert rows["scanner"].target.startswith(str(scanner_pty.app_end))
        assert rows["magstripe"].kind == "keyboard"
        assert rows["pole_display"].kind == "serial"
    finally:
        card.remove()
        devices.stop()
    assert {row.state for row in devices.describe()} >= {"stopped"}


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"printer": {"kind": "laser"}}, "devices.printer.kind"),
        ({"printer": {"kind": "network"}}, "devices.printer.host"),
        ({"printer": {"kind": "network", "host": "h", "colour": 1}}, "unknown key"),
        ({"scanner": {"kind": "serial"}}, "devices.scanner.url"),
        ({"card_reader": {"kind": "pcsc", "profile": "pin"}}, "devices.card_reader.profile"),
        ({"pole_display": {"kind": "serial", "url": "x", "columns": 2}}, "columns"),
        ({"toaster": {"kind": "none"}}, "unknown device"),
        ({"drawer": {"kind": "serial"}}, "devices.drawer.url"),
        ({"drawer": {"kind": "serial", "url": "x", "trigger": "zz"}}, "devices.drawer.trigger"),
        ({"drawer": {"kind": "printer", "pulse": "loud"}}, "devices.drawer.pulse"),
    ],
)
def test_config_errors_name_the_key(config: dict[str, dict[str, object]], message: str) -> None:
    with pytest.raises(HardwareConfigError, match=message):
        DeviceSet.from_config(config)
