"""Line-oriented serial devices: a barcode scanner and a magnetic stripe reader.

Any pyserial URL works (`/dev/ttyUSB0`, a /dev/pts path, `socket://host:port`,
`rfc2217://host:port`, `loop://`). One thread per device reads with a short timeout so `stop()`
is prompt; the port is reopened with backoff if it fails or vanishes (USB unplug).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, Protocol

import serial

from pos_tui.hardware.access import open_failure
from pos_tui.hardware.config_values import ConfigReader
from pos_tui.hardware.device import Device
from pos_tui.hardware.events import (
    CardError,
    DeviceEvent,
    DeviceStatus,
    EventCallback,
    LineDropped,
    Scan,
    Swipe,
)
from pos_tui.hardware.line_limits import SCAN_MAX_LENGTH, SWIPE_MAX_LENGTH
from pos_tui.hardware.magstripe import MagstripeError, parse_swipe

log = logging.getLogger(__name__)

_LINE_END = re.compile(rb"\r\n|\r|\n")
# Lines dropped for one reason are told at most this often.
DROP_NOTICE_SECONDS = 1.0


class LineDevice(Device, Protocol):
    """A scanner or magstripe reader: it reports what it reads as events."""


def open_serial_url(url: str, baudrate: int, timeout: float) -> Any:
    """Open any pyserial URL (plain device paths included) with a read timeout."""
    return serial.serial_for_url(url, baudrate=baudrate, timeout=timeout, write_timeout=timeout)


class SerialLineReader(ABC):
    """Reads CR/LF-terminated lines from a serial URL on a worker thread.

    Subclasses turn a line into an event in `handle_line`.
    """

    kind = "serial"

    def __init__(
        self,
        url: str,
        on_event: EventCallback,
        *,
        name: str,
        baudrate: int = 9600,
        encoding: str = "ascii",
        read_timeout: float = 0.1,
        reconnect_max: float = 5.0,
        max_length: int = SCAN_MAX_LENGTH,
        drop_notice_seconds: float = DROP_NOTICE_SECONDS,
        opener: Callable[[str, int, float], Any] = open_serial_url,
    ) -> None:
        self.url = url
        self.on_event = on_event
        self.name = name
        self.baudrate = baudrate
        self.encoding = encoding
        self.read_timeout = read_timeout
        self.reconnect_max = reconnect_max
        self.max_length = max_length
        self.drop_notice_seconds = drop_notice_seconds
        self._last_drop_notice: dict[str, float] = {}
        self._opener = opener
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._state = "stopped"
        self._opened = threading.Event()

    @property
    def target(self) -> str:
        return f"{self.url} @ {self.baudrate} baud"

    @property
    def state(self) -> str:
        return self._state

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._opened.clear()
        self._state = "starting"
        self._thread = threading.Thread(target=self._run, name=f"{self.name}-serial", daemon=True)
        self._thread.start()

    def wait_open(self, timeout: float) -> bool:
        """True once the port is open (tests and `pos-tui devices` use this)."""
        return self._opened.wait(timeout)

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._state = "stopped"

    def emit(self, event: DeviceEvent) -> None:
        try:
            self.on_event(event)
        except Exception:  # a broken listener must not kill the reading thread
            log.exception("%s event handler failed for %r", self.name, event)

    @abstractmethod
    def handle_line(self, line: str) -> None:
        """Turn one received line (terminator stripped, never empty) into events."""

    # What a dropped line is called in the notice ("Scan ignored: ...").
    what = "Line"

    def drop(self, reason: str) -> None:
        """A line not taken: logged always, told to the cashier at most once a second for
        the same reason (a port spewing garbage is one message, not a hundred)."""
        log.info("%s: line dropped (%s)", self.name, reason)
        now = time.monotonic()
        last = self._last_drop_notice.get(reason)
        if last is not None and now - last < self.drop_notice_seconds:
            return
        self._last_drop_notice[reason] = now
        self.emit(LineDropped(self.name, f"{self.what} ignored: {reason}. Try again."))

    def _run(self) -> None:
        backoff = 0.2
        reported_offline = False
        while not self._stop.is_set():
            try:
                port = self._opener(self.url, self.baudrate, self.read_timeout)
            except (serial.SerialException, OSError, ValueError) as error:
                self._state = "offline"
                if not reported_offline:
                    message = f"Cannot open {self.url}: {open_failure(error)}"
                    self.emit(DeviceStatus(self.name, message, False))
                    reported_offline = True
                self._stop.wait(backoff)
                backoff = min(backoff * 2, self.reconnect_max)
                continue
            backoff = 0.2
            self._state = "online"
            if reported_offline:
                self.emit(DeviceStatus(self.name, f"{self.url} is back", True))
                reported_offline = False
            self._opened.set()
            try:
                self._read_lines(port)
            except (serial.SerialException, OSError) as error:
                self._state = "offline"
                self.emit(DeviceStatus(self.name, f"Lost {self.url}: {error}", False))
                reported_offline = True
            finally:
                self._opened.clear()
                try:
                    port.close()
                except (serial.SerialException, OSError):
                    log.debug("closing %s failed", self.url, exc_info=True)
        self._state = "stopped"

    def _read_lines(self, port: Any) -> None:
        buffer = b""
        # Inside a line already too long: everything up to its line end is dropped with it,
        # so the next line starts clean (the next scan works).
        skipping = False
        while not self._stop.is_set():
            chunk = port.read(max(1, port.in_waiting))
            if not chunk:
                continue
            buffer += chunk
            parts = _LINE_END.split(buffer)
            buffer = parts.pop()  # the unterminated tail waits for more bytes
            for part in parts:
                if skipping:
                    skipping = False  # the end of the overlong line
                    continue
                self._take(part)
            if len(buffer) > self.max_length:
                if not skipping:
                    self.drop(f"longer than {self.max_length} characters")
                skipping = True
                buffer = b""

    def _take(self, part: bytes) -> None:
        if len(part) > self.max_length:
            self.drop(f"longer than {self.max_length} characters")
            return
        line = part.decode(self.encoding, errors="replace").strip()
        if line:
            self.handle_line(line)


class SerialScanner(SerialLineReader):
    """Barcode scanner in serial mode (RS-232, or USB-CDC "virtual COM"). Emits Scan(code)."""

    def __init__(self, url: str, on_event: EventCallback, *, name: str = "scanner", **kw: Any):
        super().__init__(url, on_event, name=name, **kw)

    what = "Scan"

    def handle_line(self, line: str) -> None:
        # Scanners may prefix an AIM symbology identifier only if configured to; the code goes
        # through as-is. A line holding a control or non-text byte is not a barcode read (line
        # noise, a wrong baud rate, another device): dropped whole, never half-used.
        if "\ufffd" in line or not line.isprintable():
            self.drop("not a barcode (control or binary bytes)")
            return
        self.emit(Scan(line, self.name))


class SerialMagstripe(SerialLineReader):
    """Magnetic stripe reader in serial mode. Emits Swipe(card_number, raw) or CardError.

    Readers that send track 1 and track 2 on separate lines would produce the same number twice;
    a repeat of the same number within `repeat_window` seconds is dropped.
    """

    what = "Swipe"

    def __init__(
        self,
        url: str,
        on_event: EventCallback,
        *,
        name: str = "magstripe",
        repeat_window: float = 0.5,
        **kw: Any,
    ) -> None:
        kw.setdefault("max_length", SWIPE_MAX_LENGTH)
        super().__init__(url, on_event, name=name, **kw)
        self.repeat_window = repeat_window
        self._last: tuple[str, float] | None = None

    def handle_line(self, line: str) -> None:
        try:
            card = parse_swipe(line)
        except MagstripeError as error:
            self.emit(CardError(str(error), self.name))
            return
        now = time.monotonic()
        last = self._last
        if last and last[0] == card.card_number and now - last[1] < self.repeat_window:
            return
        self._last = (card.card_number, now)
        self.emit(Swipe(card.card_number, line, self.name))


def max_line_length(values: ConfigReader, default: int) -> int:
    """`max_length`: the longest line taken (8 to 4096), for serial and keyboard kinds."""
    return values.integer("max_length", default, minimum=8, maximum=4096)


def _line_device_kwargs(values: ConfigReader, default_max: int) -> dict[str, Any]:
    return {
        "name": values.text("name", values.device),
        "baudrate": values.integer("baudrate", 9600, minimum=50),
        "max_length": max_line_length(values, default_max),
    }


def build_scanner(cfg: dict[str, Any], on_event: EventCallback) -> SerialScanner | None:
    """Keys: kind ("serial" | "keyboard" | "none"), url, baudrate, name, max_length.

    `keyboard` (a USB wedge scanner) needs no driver: the UI detects it with keyboard_wedge.
    """
    values = ConfigReader("scanner", cfg)
    kind = values.choice("kind", ("serial", "keyboard", "none"), "none")
    if kind != "serial":
        max_line_length(values, SCAN_MAX_LENGTH)  # checked here, used by the wedge
        values.finish()
        return None
    url = values.required_text("url")
    scanner = SerialScanner(url, on_event, **_line_device_kwargs(values, SCAN_MAX_LENGTH))
    values.finish()
    return scanner


def build_magstripe(cfg: dict[str, Any], on_event: EventCallback) -> SerialMagstripe | None:
    """Keys: kind ("serial" | "keyboard" | "none"), url, baudrate, name, max_length."""
    values = ConfigReader("magstripe", cfg)
    kind = values.choice("kind", ("serial", "keyboard", "none"), "none")
    if kind != "serial":
        max_line_length(values, SWIPE_MAX_LENGTH)
        values.finish()
        return None
    url = values.required_text("url")
    reader = SerialMagstripe(url, on_event, **_line_device_kwargs(values, SWIPE_MAX_LENGTH))
    values.finish()
    return reader
