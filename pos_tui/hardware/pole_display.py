"""Customer pole display: a 2x20 VFD (Epson ESC/POS display command set) on a serial URL.

Frames are composed by pure functions; a single worker thread writes them. The caller only
drops the newest frame into a one-slot mailbox, so a stuck or unplugged port never blocks the
UI, and a backlog collapses to the latest frame (a display only needs to show the present).
"""

from __future__ import annotations

import codecs
import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any, Literal, Protocol

import serial

from pos_tui.hardware.access import open_failure
from pos_tui.hardware.config_values import ConfigReader
from pos_tui.hardware.device import Device
from pos_tui.hardware.events import DeviceStatus, EventCallback, ignore_event
from pos_tui.hardware.text_safety import encode_for_device, fit, strip_controls, to_code_page_text

log = logging.getLogger(__name__)

ESC_INIT = b"\x1b@"  # ESC @: initialise display
CLEAR = b"\x0c"  # FF: clear screen, cursor home
CursorMode = Literal["us", "crlf"]


def cursor_to(column: int, row: int) -> bytes:
    """US $ x y: move the cursor (1-based column and row)."""
    return bytes([0x1F, 0x24, column, row])


def compose_frame(
    lines: Sequence[str],
    *,
    columns: int = 20,
    rows: int = 2,
    codec: str = "cp437",
    cursor_mode: CursorMode = "us",
) -> bytes:
    """Bytes that clear the display and show `lines` (cut/padded to `columns`).

    Each line is exactly `columns` characters in `codec`; control characters in the text are
    replaced so a product name can never send a display command.
    """
    padded = [fit(to_code_page_text(line, codec), columns) for line in list(lines)[:rows]]
    padded += [" " * columns] * (rows - len(padded))
    frame = bytearray(CLEAR)
    for row, text in enumerate(padded, start=1):
        if cursor_mode == "us":
            frame += cursor_to(1, row)
        elif row > 1:
            # Writing exactly `columns` characters leaves the cursor at the line end: CR LF moves
            # it to the next line start (displays without auto-wrap, the common default).
            frame += b"\r\n"
        frame += encode_for_device(text, codec)
    return bytes(frame)


def item_lines(name: str, price_text: str, columns: int = 20) -> list[str]:
    return [name, price_text.rjust(columns)]


def _label_value(label: str, value: str, columns: int) -> str:
    value = value[:columns]
    room = columns - len(value) - 1
    return f"{label[: max(room, 0)]:<{max(room, 0)}} {value}" if room > 0 else value


def total_lines(
    total_text: str,
    change_text: str | None = None,
    columns: int = 20,
    *,
    total_label: str = "TOTAL",
    change_label: str = "CHANGE",
) -> list[str]:
    second = _label_value(change_label, change_text, columns) if change_text else ""
    return [_label_value(total_label, total_text, columns), second]


def welcome_lines(name: str, columns: int = 20, greeting: str = "Welcome") -> list[str]:
    return [greeting.center(columns), name.center(columns)]


def idle_lines(message: str, columns: int = 20) -> list[str]:
    """Up to two centred lines, broken at a space when the message is longer than one line."""
    message = " ".join(strip_controls(message).split())
    if len(message) <= columns:
        return [message.center(columns), ""]
    cut = message.rfind(" ", 0, columns + 1)
    cut = cut if cut > 0 else columns
    return [message[:cut].center(columns), message[cut:].strip()[:columns].center(columns)]


class PoleDisplay(Device, Protocol):
    def show_lines(self, lines: Sequence[str]) -> None: ...

    def show_item(self, name: str, price_text: str) -> None: ...

    def show_total(self, total_text: str, change_text: str | None = None) -> None: ...

    def welcome(self, name: str) -> None: ...

    def idle(self, message: str) -> None: ...


class SerialPoleDisplay:
    """A VFD pole display on any pyserial URL. All show_* calls return immediately."""

    kind = "serial"

    def __init__(
        self,
        url: str,
        *,
        on_event: EventCallback = ignore_event,
        name: str = "pole_display",
        baudrate: int = 9600,
        columns: int = 20,
        rows: int = 2,
        code_page: str = "cp437",
        cursor_mode: CursorMode = "us",
        write_timeout: float = 1.0,
        opener: Callable[..., Any] | None = None,
    ) -> None:
        self.url = url
        self.on_event = on_event
        self.name = name
        self.baudrate = baudrate
        self.columns = columns
        self.rows = rows
        self.codec = code_page.lower()
        codecs.lookup(self.codec)  # fail at construction, not in the worker, on a bad code page
        self.cursor_mode: CursorMode = cursor_mode
        self.write_timeout = write_timeout
        self._opener = opener or self._open
        self._cond = threading.Condition()
        self._pending: bytes | None = None
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._port: Any = None
        self._state = "stopped"
        self.frames_written = 0

    @property
    def target(self) -> str:
        return f"{self.url} @ {self.baudrate} baud, {self.columns}x{self.rows} {self.codec}"

    @property
    def state(self) -> str:
        return self._state

    def _open(self, url: str) -> Any:
        return serial.serial_for_url(
            url, baudrate=self.baudrate, timeout=0.1, write_timeout=self.write_timeout
        )

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._cond:
            self._stopping = False
        self._state = "starting"
        self._thread = threading.Thread(target=self._run, name=f"{self.name}-vfd", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._state = "stopped"

    # -- what the app calls (any thread, never blocks on IO) -----------------------------------

    def show_lines(self, lines: Sequence[str]) -> None:
        frame = compose_frame(
            lines,
            columns=self.columns,
            rows=self.rows,
            codec=self.codec,
            cursor_mode=self.cursor_mode,
        )
        with self._cond:
            self._pending = frame  # replaces any frame not yet written
            self._cond.notify()

    def _text(self, text: str) -> str:
        # Map to the display's code page before laying out: fallbacks change lengths
        # ("€" -> "EUR") and right-aligned prices must stay fully visible.
        return to_code_page_text(text, self.codec)

    def show_item(self, name: str, price_text: str) -> None:
        self.show_lines(item_lines(self._text(name), self._text(price_text), self.columns))

    def show_total(self, total_text: str, change_text: str | None = None) -> None:
        change = self._text(change_text) if change_text is not None else None
        self.show_lines(total_lines(self._text(total_text), change, self.columns))

    def welcome(self, name: str) -> None:
        self.show_lines(welcome_lines(self._text(name), self.columns))

    def idle(self, message: str) -> None:
        self.show_lines(idle_lines(self._text(message), self.columns))

    def clear(self) -> None:
        self.show_lines([])

    # -- worker --------------------------------------------------------------------------------

    def _emit(self, online: bool, message: str) -> None:
        try:
            self.on_event(DeviceStatus(self.name, message, online))
        except Exception:
            log.exception("pole display event handler failed")

    def _run(self) -> None:
        offline_reported = False
        while True:
            with self._cond:
                while self._pending is None and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    break
                frame, self._pending = self._pending, None
            try:
                if self._port is None:
                    self._port = self._opener(self.url)
                    self._port.write(ESC_INIT)
                self._port.write(frame)
                self._port.flush()
                self.frames_written += 1
                self._state = "online"
                if offline_reported:
                    self._emit(True, f"Pole display on {self.url} is back")
                    offline_reported = False
            except (serial.SerialException, OSError, ValueError) as error:
                # SerialTimeoutException (a stuck port) is a SerialException: drop the port and
                # try again with the next frame; the display catches up with the latest state.
                self._close_port()
                self._state = "offline"
                if not offline_reported:
                    reason = open_failure(error)
                    self._emit(False, f"Pole display on {self.url} not writable: {reason}")
                    offline_reported = True
        self._close_port()

    def _close_port(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except (serial.SerialException, OSError):
                log.debug("closing pole display port failed", exc_info=True)


def build_pole_display(
    cfg: dict[str, Any], on_event: EventCallback = ignore_event
) -> SerialPoleDisplay | None:
    """Keys: kind ("serial" | "none"), url, baudrate, columns, rows, code_page, cursor_mode."""
    values = ConfigReader("pole_display", cfg)
    kind = values.choice("kind", ("serial", "none"), "none")
    if kind == "none":
        values.finish()
        return None
    cursor_mode = values.choice("cursor_mode", ("us", "crlf"), "us")
    display = SerialPoleDisplay(
        values.required_text("url"),
        on_event=on_event,
        name=values.text("name", "pole_display"),
        baudrate=values.integer("baudrate", 9600, minimum=50),
        columns=values.integer("columns", 20, minimum=8, maximum=80),
        rows=values.integer("rows", 2, minimum=1, maximum=4),
        code_page=values.text("code_page", "cp437"),
        cursor_mode="crlf" if cursor_mode == "crlf" else "us",
        write_timeout=values.number("write_timeout_seconds", 1.0, minimum=0.05),
    )
    values.finish()
    return display
