"""Where a receipt printer is (network, serial, USB, file, dummy) and talking to it there.

python-escpos has one connection class per kind of link, all behind one abstract ``_raw``
write: :func:`make_connection` picks the class for a target. :func:`query_status` asks the
printer for its real-time status (DLE EOT) over a connection that can answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pos_tui.hardware.escpos_library import escpos_exceptions, escpos_printer
from pos_tui.hardware.printer_api import PrinterError, PrinterStatus

# Real-time status requests (DLE EOT n) and the bits of their one-byte answers (Epson ESC/POS).
DLE_EOT = b"\x10\x04"
STATUS_PRINTER, STATUS_OFFLINE_CAUSE, STATUS_PAPER = 1, 2, 4
BIT_OFFLINE = 0x08  # n=1
BIT_COVER_OPEN = 0x04  # n=2
BIT_PAPER_STOP = 0x20  # n=2: printing stopped because the paper ran out
BITS_PAPER_NEAR_END = 0x0C  # n=4
BITS_PAPER_END = 0x60  # n=4
# Every DLE EOT answer has bits 1 and 4 set and bits 0 and 7 clear (Epson ESC/POS): a byte
# without that shape (0xFF: all bits set, a floating line) is no answer from a printer.
FIXED_BITS_MASK, FIXED_BITS = 0x93, 0x12


def is_status_byte(value: int) -> bool:
    return value & FIXED_BITS_MASK == FIXED_BITS


@dataclass(frozen=True, slots=True)
class NetworkTarget:
    host: str
    port: int = 9100
    kind: str = "network"

    def describe(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True, slots=True)
class SerialTarget:
    device: str
    baudrate: int = 9600
    kind: str = "serial"

    def describe(self) -> str:
        return f"{self.device} @ {self.baudrate} baud"


@dataclass(frozen=True, slots=True)
class UsbTarget:
    vendor_id: int
    product_id: int
    in_ep: int = 0x82
    out_ep: int = 0x01
    kind: str = "usb"

    def describe(self) -> str:
        return f"USB {self.vendor_id:04x}:{self.product_id:04x}"


@dataclass(frozen=True, slots=True)
class FileTarget:
    path: str
    kind: str = "file"

    def describe(self) -> str:
        return self.path


@dataclass(frozen=True, slots=True)
class DummyTarget:
    kind: str = "dummy"

    def describe(self) -> str:
        return "in memory (dummy)"


PrinterTarget = NetworkTarget | SerialTarget | UsbTarget | FileTarget | DummyTarget


def make_connection(target: PrinterTarget, *, profile: str | None, timeout: float) -> Any:
    """A python-escpos connection object for ``target``, not yet opened."""
    try:
        if isinstance(target, NetworkTarget):
            return escpos_printer.Network(
                target.host, target.port, timeout=timeout, profile=profile
            )
        if isinstance(target, SerialTarget):
            return escpos_printer.Serial(
                target.device,
                baudrate=target.baudrate,
                timeout=timeout,
                dsrdtr=False,
                profile=profile,
            )
        if isinstance(target, UsbTarget):
            return escpos_printer.Usb(
                target.vendor_id,
                target.product_id,
                timeout=int(timeout * 1000),
                in_ep=target.in_ep,
                out_ep=target.out_ep,
                profile=profile,
            )
        if isinstance(target, FileTarget):
            return append_file_class()(target.path, profile=profile)
        return escpos_printer.Dummy(profile=profile)
    except (escpos_exceptions.Error, OSError) as error:
        raise PrinterError(
            f"Printer {target.describe()} cannot be set up: {error}", False
        ) from error


_APPEND_FILE: Any = None


def append_file_class() -> Any:
    """python-escpos's File connection, opening its file for appending: each job adds its
    receipt (python-escpos opens with "wb", so every job wiped the ones before). On a device
    node (/dev/usb/lp0) appending is the same as writing."""
    global _APPEND_FILE
    if _APPEND_FILE is None:

        class AppendFile(escpos_printer.File):
            def open(self, raise_not_found: bool = True) -> None:
                if self._device:
                    self.close()
                handle: Any = None
                try:
                    handle = open(self.devfile, "ab")  # noqa: SIM115 (closed by close())
                except OSError as error:
                    if raise_not_found:
                        raise escpos_exceptions.DeviceNotFoundError(
                            f"Could not open the specified file {self.devfile}:\n{error}"
                        ) from error
                finally:
                    self.device = handle

        _APPEND_FILE = AppendFile
    return _APPEND_FILE


def supports_status(target: PrinterTarget) -> bool:
    """Whether the link can carry the printer's answers (a file or a dummy cannot)."""
    return isinstance(target, NetworkTarget | SerialTarget | UsbTarget)


def query_status(conn: Any, target: PrinterTarget) -> PrinterStatus:
    """The printer's status from three real-time requests (printer, off-line cause, paper)."""
    printer = read_status(conn, target, STATUS_PRINTER)
    cause = read_status(conn, target, STATUS_OFFLINE_CAUSE)
    paper = read_status(conn, target, STATUS_PAPER)
    if not all(is_status_byte(b) for b in (printer, cause, paper)):
        return PrinterStatus(supported=True, online=False, answered=False)
    if paper & BITS_PAPER_END or cause & BIT_PAPER_STOP:
        paper_state: Literal["ok", "near_end", "out"] = "out"
    elif paper & BITS_PAPER_NEAR_END:
        paper_state = "near_end"
    else:
        paper_state = "ok"
    return PrinterStatus(
        supported=True,
        online=not printer & BIT_OFFLINE,
        paper=paper_state,
        cover_open=bool(cause & BIT_COVER_OPEN),
    )


def read_status(conn: Any, target: PrinterTarget, request: int) -> int:
    """Send DLE EOT n and read its single answer byte within our timeout.

    Same request as python-escpos's is_online()/paper_status(), but those read up to 16
    bytes (a serial read then always waits out the full timeout) and treat silence as
    "online"; here silence is a timeout and a closed connection is an error.
    """
    conn._raw(DLE_EOT + bytes([request]))
    if isinstance(target, NetworkTarget):
        answer = conn.device.recv(1)
        if not answer:
            raise ConnectionResetError("the printer closed the connection")
    elif isinstance(target, SerialTarget):
        answer = conn.device.read(1)
        if not answer:
            raise TimeoutError("no status reply")
    else:
        answer = bytes(conn._read())
        if not answer:
            raise TimeoutError("no status reply")
    return answer[0]
