"""Scanner, magstripe reader and pole display drivers on real ptys (socat), a TCP socket URL
and emupos's serial scanner."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import serial

from pos_tui.hardware.events import CardError, DeviceEvent, DeviceStatus, Scan, Swipe
from pos_tui.hardware.pole_display import SerialPoleDisplay, build_pole_display
from pos_tui.hardware.serial_lines import SerialMagstripe, SerialScanner, build_scanner
from tests.helpers import HANG_SECONDS, returns_unless_hung, thread_alive

from .conftest import EventLog
from .stacks import Emupos, PtyPair, wait_until

pytestmark = pytest.mark.hardware

PtyFactory = Callable[[str], PtyPair]


def device_port(pair: PtyPair) -> serial.Serial:
    return serial.Serial(str(pair.device_end), timeout=0.2)


def read_exactly(port: serial.Serial, size: int, timeout: float = HANG_SECONDS) -> bytes:
    data = b""
    deadline = time.monotonic() + timeout
    while len(data) < size and time.monotonic() < deadline:
        data += port.read(size - len(data))
    return data


def test_scanner_on_pty_emits_scans(pty_pair: PtyFactory, events: EventLog) -> None:
    pair = pty_pair("scanner")
    scanner = build_scanner({"kind": "serial", "url": str(pair.app_end)}, events)
    assert isinstance(scanner, SerialScanner)
    scanner.start()
    try:
        assert scanner.wait_open(3)
        with device_port(pair) as device:
            device.write(b"4006381333931\r\n")
            # CR-only terminators and a code split across writes, as slow UARTs deliver it.
            device.write(b"SALE-")
            device.flush()
            time.sleep(0.15)
            device.write(b"0042\r")
            scans = [events.wait_for(Scan).code]
            scans.append(events.wait_for(Scan, lambda e: e.code != scans[0]).code)
        assert scans == ["4006381333931", "SALE-0042"]
        assert scanner.state == "online"
    finally:
        scanner.stop()
    assert scanner.state == "stopped"


def test_scanner_on_socket_url(events: EventLog) -> None:
    """A network scanner (or ser2net) through pyserial's socket:// URL."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    scanner = SerialScanner(f"socket://127.0.0.1:{port}", events)
    scanner.start()
    try:
        server.settimeout(5)
        conn, _ = server.accept()
        # pyserial's socket:// open() discards input that arrives while it is opening.
        assert scanner.wait_open(3)
        with conn:
            conn.sendall(b"9780201379624\n")
            assert events.wait_for(Scan).code == "9780201379624"
    finally:
        scanner.stop()
        server.close()


def test_emupos_serial_scanner_reaches_our_driver(emupos: Emupos, events: EventLog) -> None:
    assert emupos.scanner_serial is not None
    scanner = SerialScanner(str(emupos.scanner_serial), events)
    scanner.start()
    try:
        assert scanner.wait_open(3)
        emupos.scan("5012345678900")
        assert events.wait_for(Scan).code == "5012345678900"
    finally:
        scanner.stop()


def test_scanner_reports_missing_port_and_recovers(tmp_path: Path, events: EventLog) -> None:
    missing = tmp_path / "not-yet"
    scanner = SerialScanner(str(missing), events)
    scanner.start()
    try:
        offline = events.wait_for(DeviceStatus)
        assert not offline.online and "Cannot open" in offline.message
        pair = PtyPair.start(tmp_path, "late")
        try:
            os.symlink(pair.app_end.resolve(), missing)
            events.wait_for(DeviceStatus, lambda e: e.online, timeout=8)
            with device_port(pair) as device:
                device.write(b"123456\r\n")
                assert events.wait_for(Scan).code == "123456"
        finally:
            pair.stop()
    finally:
        scanner.stop()


def test_magstripe_swipes_and_bad_swipe(pty_pair: PtyFactory, events: EventLog) -> None:
    pair = pty_pair("msr")
    reader = SerialMagstripe(str(pair.app_end), events)
    reader.start()
    try:
        assert reader.wait_open(3)
        with device_port(pair) as device:
            device.write(
                b"%B6009123456789012^DOE/JANE^2812101000000000000?;6009123456789012=28121010000000000000?\r\n"
            )
            swipe = events.wait_for(Swipe)
            assert swipe.card_number == "6009123456789012"
            assert swipe.raw.startswith("%B6009")
            # Tracks on separate lines make one swipe, not two.
            device.write(b"%B6009000011112222^ROE/RICHARD^2901?\r\n;6009000011112222=2901?\r\n")
            second = events.wait_for(Swipe, lambda e: e.card_number == "6009000011112222")
            device.write(b"%E?\r\n")
            error = events.wait_for(CardError)
        assert second.raw.startswith("%B")
        assert "swipe it again" in error.message
        assert [s.card_number for s in events.of_type(Swipe)] == [
            "6009123456789012",
            "6009000011112222",
        ]
    finally:
        reader.stop()


@pytest.fixture
def display_pair(
    pty_pair: PtyFactory,
) -> Iterator[tuple[SerialPoleDisplay, serial.Serial, PtyPair]]:
    pair = pty_pair("vfd")
    display = build_pole_display({"kind": "serial", "url": str(pair.app_end)})
    assert isinstance(display, SerialPoleDisplay)
    device = device_port(pair)
    display.start()
    yield display, device, pair
    display.stop()
    device.close()


def test_pole_display_frames_on_the_wire(
    display_pair: tuple[SerialPoleDisplay, serial.Serial, PtyPair],
) -> None:
    display, device, _ = display_pair
    display.show_item("Crème brûlée\x1b@evil", "€4.50")
    # ESC @ once on open, then FF, US $ 1 1 + 20 chars, US $ 1 2 + 20 chars.
    frame = read_exactly(device, 2 + 1 + 24 + 24)
    assert frame[:3] == b"\x1b@\x0c"
    assert frame[3:7] == b"\x1f\x24\x01\x01"
    line1 = frame[7:27]
    assert line1 == "Crème brûlée @evil  ".encode("cp437")  # the ESC byte became a space
    assert frame[27:31] == b"\x1f\x24\x01\x02"
    assert frame[31:51] == "EUR4.50".rjust(20).encode("cp437")  # CP437 has no €

    display.show_total("€12.00", "€0.50")
    total = read_exactly(device, 49)
    assert total[:1] == b"\x0c"
    assert total[5:25] == b"TOTAL       EUR12.00"
    assert total[29:49] == b"CHANGE       EUR0.50"

    display.welcome("Zoë")
    welcome = read_exactly(device, 49)
    assert welcome[5:25].decode("cp437").strip() == "Welcome"
    assert welcome[29:49].decode("cp437").strip() == "Zoë"
    # The writer thread counts a frame after its write returns, which may be just after the
    # bytes reach the other end.
    assert wait_until(lambda: display.frames_written >= 3, HANG_SECONDS)
    assert display.frames_written == 3
    assert display.state == "online"


def test_pole_display_never_blocks_on_a_stuck_port(
    display_pair: tuple[SerialPoleDisplay, serial.Serial, PtyPair],
) -> None:
    display, device, pair = display_pair
    display.idle("Lane closed")
    read_exactly(device, 51)
    pair.pause()  # the link stops moving bytes, like a display that hangs

    def show_500_items() -> None:
        for index in range(500):
            display.show_item(f"Item {index}", f"{index}.00")

    # 500 frames are far more than the stopped link holds: a caller that wrote the port itself
    # would still be stuck here. Callers only post into a mailbox, so all 500 calls return.
    try:
        returns_unless_hung(show_500_items, "500 show_item() calls on a stuck port")
    finally:
        pair.resume()
    # The display catches up with the latest state rather than replaying 500 frames.
    deadline = time.monotonic() + HANG_SECONDS
    seen = b""
    while time.monotonic() < deadline and b"Item 499" not in seen:
        seen += device.read(4096)
    assert b"Item 499" in seen
    assert display.frames_written < 500


def test_pole_display_unopenable_port_reports_offline(tmp_path: Path, events: EventLog) -> None:
    reported_on: list[threading.Thread] = []

    def on_event(event: DeviceEvent) -> None:
        reported_on.append(threading.current_thread())
        events(event)

    display = SerialPoleDisplay(str(tmp_path / "no-such-port"), on_event=on_event)
    display.start()
    try:
        display.idle("Welcome")
        status = events.wait_for(DeviceStatus)
        assert not status.online and "not writable" in status.message
        # idle() only posts: the port was tried, and found missing, on the display's own thread.
        assert threading.current_thread() not in reported_on
        assert display.state == "offline"
    finally:
        display.stop()


def test_scanner_stop_is_prompt(pty_pair: PtyFactory, events: EventLog) -> None:
    pair = pty_pair("idle")
    scanner = SerialScanner(str(pair.app_end), events)
    scanner.start()
    assert scanner.wait_open(3)
    # The reading thread ends within its short read timeout: stop() returns with it gone.
    returns_unless_hung(lambda: scanner.stop(timeout=HANG_SECONDS), "stop()")
    assert not thread_alive("scanner-serial")
