"""The cash drawer: on the receipt printer's kick connector, or on a port of its own.

Many drawers hang off the printer (an RJ-12 kick connector): `PrinterDrawer` pulses them through
the printer, with a real-time pulse that fires now or not at all. Others have their own trigger
on a serial or USB-serial port (or a network serial server): `SerialDrawer` writes the trigger
bytes to any pyserial URL, so the drawer opens whatever state the printer is in.

`open(within)` opens the drawer now, within `within` seconds, or raises `DrawerError`: a kick
belongs to its moment and is never queued for later. Both open a fresh connection per kick
(ports and printers come and go) and hold nothing between kicks.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from pos_tui.hardware.access import open_failure
from pos_tui.hardware.config_values import ConfigReader
from pos_tui.hardware.device import Device
from pos_tui.hardware.events import EventCallback, ignore_event
from pos_tui.hardware.printer_api import PrinterError, ReceiptPrinter

log = logging.getLogger(__name__)

# ESC p 0 25 250: the ESC/POS kick most serial drawer triggers accept (pin 2, 50 ms on).
DEFAULT_TRIGGER = "1B 70 00 19 FA"
DEFAULT_TIMEOUT = 2.0  # a kick fires within this, or the cashier is told it did not


class DrawerError(Exception):
    """The drawer did not open; `message` says why, for the cashier."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CashDrawer(Device, Protocol):
    # "drawer" (its own port) or "printer" (through the printer): recorded with each opening.
    route: str
    timeout: float

    def open(self, within: float | None = None) -> None: ...


class PrinterDrawer:
    """A drawer on the receipt printer's kick connector (the printer's `drawer_pin`)."""

    kind = "printer"
    route = "printer"

    def __init__(
        self, *, name: str = "drawer", realtime: bool = True, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        self.name = name
        self.realtime = realtime
        self.timeout = timeout
        self.printer: ReceiptPrinter | None = None  # bound by the DeviceSet

    def bind(self, printer: ReceiptPrinter | None) -> None:
        self.printer = printer

    @property
    def target(self) -> str:
        if self.printer is None:
            return "the receipt printer (none configured)"
        pin = getattr(self.printer, "drawer_pin", 2)
        return f"through the printer {self.printer.target} (pin {pin})"

    @property
    def state(self) -> str:
        return "via the printer" if self.printer is not None else "no printer"

    def start(self) -> None:
        """Nothing to open: the printer connects per job."""

    def stop(self) -> None:
        """Nothing held."""

    def open(self, within: float | None = None) -> None:
        if self.printer is None:
            raise DrawerError("no receipt printer is configured to kick it")
        try:
            self.printer.open_drawer(within=within or self.timeout, realtime=self.realtime)
        except PrinterError as error:
            raise DrawerError(error.message) from error


class SerialDrawer:
    """A drawer with its own trigger on a serial URL: the trigger bytes open it."""

    kind = "serial"
    route = "drawer"

    def __init__(
        self,
        url: str,
        *,
        name: str = "drawer",
        baudrate: int = 9600,
        trigger: bytes = bytes.fromhex(DEFAULT_TRIGGER),
        timeout: float = DEFAULT_TIMEOUT,
        opener: Any = None,
    ) -> None:
        self.url = url
        self.name = name
        self.baudrate = baudrate
        self.trigger = trigger
        self.timeout = timeout
        self._opener = opener
        self._state = "idle"

    @property
    def target(self) -> str:
        return f"{self.url} @ {self.baudrate} baud"

    @property
    def state(self) -> str:
        return self._state

    def start(self) -> None:
        """The port opens for each kick: a drawer's port may be shared or unplugged."""

    def stop(self) -> None:
        """Nothing held."""

    def open(self, within: float | None = None) -> None:
        import serial

        from pos_tui.hardware.serial_lines import open_serial_url

        timeout = min(self.timeout, within) if within else self.timeout
        opener = self._opener or open_serial_url
        try:
            port = opener(self.url, self.baudrate, timeout)
            try:
                port.write(self.trigger)
                port.flush()
            finally:
                port.close()
        except (serial.SerialException, OSError, ValueError) as error:
            # SerialTimeoutException (a port that stopped draining) is a SerialException.
            self._state = "not answering"
            detail = " ".join(open_failure(error).split()) or type(error).__name__
            raise DrawerError(f"Cash drawer on {self.url} not reachable: {detail}") from error
        self._state = "ready"


def build_drawer(cfg: dict[str, Any], on_event: EventCallback = ignore_event) -> CashDrawer | None:
    """The cash drawer from `[devices.drawer]`; `kind: none` means no drawer at all.

    kind: printer (the default: the printer's kick connector; keys `pulse` = "realtime" |
    "esc_p") | serial (keys `url`, `baudrate`, `trigger`: hex bytes) | none. Both: `name`,
    `timeout_seconds` (how long a kick may take before it is given up and the cashier told).
    """
    del on_event  # a drawer reports nothing by itself
    values = ConfigReader("drawer", cfg)
    kind = values.choice("kind", ("printer", "serial", "none"), "printer")
    drawer: CashDrawer | None = None
    if kind == "printer":
        pulse = values.choice("pulse", ("realtime", "esc_p"), "realtime")
        drawer = PrinterDrawer(
            name=values.text("name", "drawer"),
            realtime=pulse == "realtime",
            timeout=values.number("timeout_seconds", DEFAULT_TIMEOUT, minimum=0.1),
        )
    elif kind == "serial":
        url = values.required_text("url")
        text = values.text("trigger", DEFAULT_TRIGGER)
        try:
            trigger = bytes.fromhex(text)
        except ValueError:
            raise values.fail("trigger", 'hex bytes, e.g. "1B 70 00 19 FA"', text) from None
        if not trigger:
            raise values.fail("trigger", "at least one byte", text)
        drawer = SerialDrawer(
            url,
            name=values.text("name", "drawer"),
            baudrate=values.integer("baudrate", 9600, minimum=50),
            trigger=trigger,
            timeout=values.number("timeout_seconds", DEFAULT_TIMEOUT, minimum=0.1),
        )
    values.finish()
    return drawer
