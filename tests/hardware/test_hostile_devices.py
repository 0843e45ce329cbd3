"""Hostile input from devices, on the real stacks: a scanner on a socat pty sending a 64 KB
line or control bytes, a vpcd card pulled mid-read and tapped again 0.3 s later, a printer
answering 0xFF, and the file printer keeping every job (decoded by emupos)."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import serial

from pos_tui.hardware.card_reader import CARD_REMOVED, PcscCardReader
from pos_tui.hardware.events import CardError, CardRead, LineDropped, ReaderStatus, Scan
from pos_tui.hardware.printer import EscposPrinter, NetworkTarget, PrinterError, build_printer
from pos_tui.hardware.serial_lines import SerialScanner, build_scanner
from pos_tui.hardware.smartcard_profiles import LoyaltyAppProfile
from pos_tui.services.runtime.lane_devices import WedgeRoute, route
from tests.app.conftest import sign_in
from tests.app.helpers_lane import notifications, skus

from .conftest import READER, EventLog
from .lane_helpers import LaneFactory, until
from .stacks import Emupos, PtyPair, VirtualCard, printer_answering, wait_reader_state
from .test_lane_devices import devices
from .test_printer_emupos import sale_receipt

pytestmark = pytest.mark.hardware

PtyFactory = Callable[[str], PtyPair]
GIANT = b"7" * 65_536


# -- scanner ---------------------------------------------------------------------------------------


def test_overlong_and_binary_scans_are_dropped_and_the_next_scan_works(
    pty_pair: PtyFactory, events: EventLog
) -> None:
    pair = pty_pair("scanner")
    scanner = SerialScanner(str(pair.app_end), events, drop_notice_seconds=0)
    scanner.start()
    try:
        assert scanner.wait_open(3)
        with serial.Serial(str(pair.device_end), timeout=0.2) as device:
            device.write(GIANT + b"\r\n4006381333931\r\n")
            too_long = events.wait_for(LineDropped)
            assert too_long.message == "Scan ignored: longer than 128 characters. Try again."
            assert events.wait_for(Scan).code == "4006381333931"

            mark = events.mark()
            # NUL and ESC inside a scan, a byte that is no text: dropped whole, not stripped.
            device.write(b"40063\x00813\x1b33931\r\n978020\xff1379624\r\n9780201379624\r\n")
            assert events.wait_for(Scan, after=mark).code == "9780201379624"
            dropped = [e for e in events.events[mark:] if isinstance(e, LineDropped)]
            assert [d.message for d in dropped] == [
                "Scan ignored: not a barcode (control or binary bytes). Try again."
            ] * 2
        codes = [e.code for e in events.of_type(Scan)]
        assert codes == ["4006381333931", "9780201379624"]
    finally:
        scanner.stop()


def test_a_giant_line_in_slow_pieces_resynchronises_at_its_end(
    pty_pair: PtyFactory, events: EventLog
) -> None:
    """The line arrives over many reads: the reader drops it to its end, says so once, and the
    scan after it is whole (not the overlong line's tail)."""
    pair = pty_pair("scanner")
    scanner = build_scanner({"kind": "serial", "url": str(pair.app_end), "max_length": 16}, events)
    assert isinstance(scanner, SerialScanner) and scanner.max_length == 16
    scanner.start()
    try:
        assert scanner.wait_open(3)
        with serial.Serial(str(pair.device_end), timeout=0.2) as device:
            for _ in range(40):
                device.write(b"X" * 100)
                device.flush()
            device.write(b"TAIL\r\nSALE-0042\r\n")
            assert events.wait_for(Scan).code == "SALE-0042"
        assert len(events.of_type(LineDropped)) == 1
        assert [e.code for e in events.of_type(Scan)] == ["SALE-0042"]
    finally:
        scanner.stop()


async def test_the_lane_says_scan_ignored_briefly_and_rings_up_the_next_scan(
    lane: LaneFactory, pty_pair: PtyFactory
) -> None:
    scanner_pty = pty_pair("scanner")
    app, _probe = lane({"scanner": {"kind": "serial", "url": str(scanner_pty.app_end)}})
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        port = devices(app).scanner
        assert isinstance(port, SerialScanner)
        assert await asyncio.to_thread(port.wait_open, 5)
        with serial.Serial(str(scanner_pty.device_end)) as device:
            device.write(GIANT + b"\r\n8901234567890\r\n")
            await until(pilot, lambda: skus(pilot) == [("APPLE", "1")], "next scan rung up")
            device.write(b"89012\x1b[2J34567890\r\n8901234567890\r\n")
            await until(pilot, lambda: _apples(skus(pilot)) == 2, "scan after binary")
        said = notifications(pilot)
        assert "Scan ignored: longer than 128 characters. Try again." in said
        assert "Scan ignored: not a barcode (control or binary bytes). Try again." in said
        assert max(len(n) for n in said) < 200, said  # no giant notice
        assert not any("7777777777" in n for n in said)


def _apples(lines: list[tuple[str, str]]) -> Decimal:
    return sum((Decimal(q) for sku, q in lines if sku == "APPLE"), Decimal(0))


def test_route_and_wedge_drop_messages() -> None:
    action = route(LineDropped("scanner", "Scan ignored: longer than 128 characters. Try again."))
    assert action is not None and (action.kind, action.error, action.title) == (
        "notice",
        True,
        "Scanner",
    )
    wedge = WedgeRoute(scanner=True, magstripe=False, max_length=128)
    long_burst = wedge.action("7" * 129, at=0.0, in_entry=False)
    assert long_burst is not None and long_burst.kind == "notice" and long_burst.error
    assert "longer than 128 characters" in long_burst.text
    ok = wedge.action("7" * 128, at=0.0, in_entry=False)
    assert ok is not None and ok.kind == "scan"


# -- card reader -----------------------------------------------------------------------------------


@pytest.fixture
def card() -> Iterator[VirtualCard]:
    virtual = VirtualCard()
    yield virtual
    virtual.remove()


RETAPS = 5


@pytest.mark.xdist_group("pcscd")
def test_card_pulled_mid_read_says_tap_again_and_reads_the_quick_retap(
    reader: str, card: VirtualCard, events: EventLog
) -> None:
    """Pulled in the middle of READ BINARY, tapped again 0.3 s later: the cashier reads "Card
    removed, tap again." (no PC/SC code) and the second tap is read, every time."""
    driver = PcscCardReader(on_event=events, reader_filter=READER, profile=LoyaltyAppProfile())
    driver.start()
    try:
        events.wait_for(ReaderStatus, lambda e: e.ready)
        for _ in range(RETAPS):
            mark = events.mark()
            card.mode = "pull"
            card.insert()
            assert card.pulled.wait(5), "the card saw no READ BINARY"
            time.sleep(0.3)  # the re-tap itself: a cashier's hand, 0.3 s later
            card.remove()
            card.mode = "ok"
            card.insert()
            removed = events.wait_for(CardError, after=mark)
            assert removed.message == CARD_REMOVED
            read = events.wait_for(CardRead, after=mark, timeout=8)
            assert read == CardRead(card.card_number, READER)
            card.remove()
            assert wait_reader_state(reader, present=False)
        messages = [e.message for e in events.of_type(CardError)]
        assert messages == [CARD_REMOVED] * RETAPS
        assert not any("0x" in m or "8010" in m for m in messages)
        assert len(events.of_type(CardRead)) == RETAPS
    finally:
        driver.stop()


# -- printer ---------------------------------------------------------------------------------------


def test_status_0xff_is_no_answer_not_paper_out() -> None:
    with printer_answering(0xFF) as (port, received):
        printer = EscposPrinter(NetworkTarget("127.0.0.1", port), timeout=2)
        status = printer.status()
        assert (status.answered, status.online, status.paper) == (False, False, "unknown")
        assert status.problem is not None and "no valid status" in status.problem
        assert "paper" not in status.problem
        with pytest.raises(PrinterError) as raised:
            printer.print_receipt(sale_receipt("S-0xFF"))
        assert raised.value.retryable and "no valid status" in raised.value.message
        # Nothing but status requests was sent: the receipt waits in the queue.
        assert set(b"".join(received)) <= {0x10, 0x04, 0x01, 0x02}
    with printer_answering(0x12) as (port, _received):  # a healthy printer's answer
        status = EscposPrinter(NetworkTarget("127.0.0.1", port), timeout=2).status()
        assert status.answered and status.problem is None and status.paper == "ok"


def test_file_printer_keeps_every_job_and_emupos_decodes_them(
    emupos: Emupos, tmp_path: Path
) -> None:
    out = tmp_path / "receipts.prn"
    printer = build_printer({"kind": "file", "path": str(out), "code_page": "CP858"})
    assert printer is not None
    for number in ("S-000201", "S-000202", "S-000203"):
        printer.print_receipt(sale_receipt(number))
    data = out.read_bytes()
    assert data.count(b"\x1b@") == 3, "each job appended, none truncated"
    known = len(emupos.receipts())
    with socket.create_connection(("127.0.0.1", emupos.printer_port), timeout=5) as conn:
        conn.sendall(data)
    emupos.wait_new_receipt(known + 2)
    texts = [emupos.receipt_text(r["id"]) for r in emupos.receipts()[:3]]
    for number in ("S-000201", "S-000202", "S-000203"):
        assert any(f"[barcode CODE128 {number}]" in t for t in texts), number
