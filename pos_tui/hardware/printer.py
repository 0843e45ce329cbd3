"""Receipt printer over python-escpos: network, serial, USB, file (and Dummy as a unit seam).

Every job is rendered first into an in-memory `Dummy` printer — barcode checks and encoding
happen before a single byte leaves, so a bad document never leaves half a receipt — and then
sent in one write on a fresh connection with our own timeout (python-escpos defaults to 60 s).

Where the connection can answer (network, serial, USB) the printer is asked for its real-time
status (DLE EOT) before the job, so paper-out or an open cover is reported instead of the job
vanishing into the printer's buffer, and again after it, which proves the printer is still
there and reading. Every failure comes out as one `PrinterError(message, retryable)`.

The cash drawer on the printer's kick connector opens with a real-time pulse (DLE DC4 fn 1):
the printer obeys it the moment it reads it, out of paper or with its cover open too, and never
holds it for later, as it holds ESC p (print data) until paper is loaded.

All methods block: call them from the print queue's worker thread, never the UI thread.

The parts: :mod:`.printer_api` (the protocol, status and error the app sees),
:mod:`.printer_render` (document to bytes), :mod:`.printer_connections` (targets, python-escpos
connections, status requests) and :mod:`.escpos_library` (python-escpos loaded lazily and
quietly). This module is the driver that puts them together, and its configuration.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any, Literal

from pos_tui.hardware.config_values import ConfigReader
from pos_tui.hardware.escpos_library import escpos_exceptions, known_profile, quiet_escpos_logging
from pos_tui.hardware.printer_api import PrinterError, PrinterStatus, ReceiptPrinter
from pos_tui.hardware.printer_connections import (
    STATUS_PRINTER,
    DummyTarget,
    FileTarget,
    NetworkTarget,
    PrinterTarget,
    SerialTarget,
    UsbTarget,
    make_connection,
    query_status,
    read_status,
    supports_status,
)
from pos_tui.hardware.printer_render import (
    CODE_PAGE_CODECS,
    codec_for,
    render_document,
    render_to_bytes,
)
from pos_tui.hardware.receipt_text import ReceiptDocument, columns_for_paper

__all__ = [
    "CODE_PAGE_CODECS",
    "DRAWER_KICK",
    "DRAWER_PULSE",
    "DummyTarget",
    "EscposPrinter",
    "FileTarget",
    "NetworkTarget",
    "PrinterError",
    "PrinterStatus",
    "PrinterTarget",
    "ReceiptPrinter",
    "SerialTarget",
    "UsbTarget",
    "build_printer",
    "render_document",
    "render_to_bytes",
]

log = logging.getLogger(__name__)

DRAWER_KICK = {2: b"\x1bp\x00\x19\xfa", 5: b"\x1bp\x01\x19\xfa"}  # ESC p m t1 t2
# DLE DC4 1 m t: a real-time pulse on pin 2 (m=0) or 5 (m=1), t x 100 ms (t=1: 100 ms).
DRAWER_PULSE = {2: b"\x10\x14\x01\x00\x01", 5: b"\x10\x14\x01\x01\x01"}


class EscposPrinter:
    """A receipt printer driven through python-escpos. Thread-safe; every method blocks."""

    def __init__(
        self,
        target: PrinterTarget,
        *,
        name: str = "printer",
        profile: str | None = "TM-T20II",
        paper_width_mm: int = 80,
        code_page: str = "CP858",
        timeout: float = 5.0,
        status_check: bool = True,
        drawer_pin: Literal[2, 5] = 2,
    ) -> None:
        self.target_spec = target
        self.name = name
        self.kind = target.kind
        self.profile = profile
        self.paper_width_mm = paper_width_mm
        self.columns = columns_for_paper(paper_width_mm)
        self.code_page = code_page.upper()
        self.codec = codec_for(self.code_page)
        self.timeout = timeout
        self.status_check = status_check
        self.drawer_pin: Literal[2, 5] = drawer_pin
        self._lock = threading.Lock()
        self._state = "idle"
        self.last_output = b""  # what the last job sent (handy with DummyTarget)
        quiet_escpos_logging()

    @property
    def target(self) -> str:
        return self.target_spec.describe()

    @property
    def state(self) -> str:
        return self._state

    @property
    def supports_status(self) -> bool:
        return supports_status(self.target_spec)

    def start(self) -> None:
        """Nothing to hold open: each job connects afresh (printers reboot, links drop)."""

    def stop(self) -> None:
        """Nothing is held between jobs."""

    def render(self, document: ReceiptDocument) -> bytes:
        return render_to_bytes(
            document,
            profile=self.profile,
            paper_width_mm=self.paper_width_mm,
            code_page=self.code_page,
        )

    def print_receipt(self, document: ReceiptDocument) -> None:
        data = self.render(document)
        self._send_job(data, f"printing {document.title}")

    def open_drawer(self, *, within: float | None = None, realtime: bool = True) -> None:
        """Pulse the cash drawer now, or raise PrinterError.

        ``realtime`` (DLE DC4 fn 1, the default) fires at once even while the printer is out
        of paper; with status checks it goes only to a printer that answers a status request
        first, and the answer to a second one after it proves it was read. ``realtime=False``
        sends ESC p, print data that a printer in trouble would hold and obey later: it is
        sent only when the status says the printer is ready. ``within``: the most this may
        take (waiting for a job in hand, connecting, each answer); python-escpos's own timeout
        would otherwise apply to each.
        """
        action = "opening the cash drawer"
        data = (DRAWER_PULSE if realtime else DRAWER_KICK)[self.drawer_pin]
        timeout = min(self.timeout, within) if within is not None else self.timeout
        self._send_job(data, action, timeout=timeout, hold_on_problem=not realtime)

    def status(self) -> PrinterStatus:
        if not self.supports_status:
            return PrinterStatus(supported=False)
        with self._lock, self._connection("checking the printer status") as conn:
            return self._guarded(
                "checking the printer status", lambda: query_status(conn, self.target_spec)
            )

    # -- internals -----------------------------------------------------------------------------

    def _send_job(
        self,
        data: bytes,
        action: str,
        *,
        timeout: float | None = None,
        hold_on_problem: bool = True,
    ) -> None:
        """Send ``data`` on a fresh connection. ``hold_on_problem``: a status problem (paper
        out, cover open, off-line) stops it before any byte is sent; a real-time drawer pulse
        goes regardless, to a printer that answers at all."""
        timeout = self.timeout if timeout is None else timeout
        if not self._lock.acquire(timeout=timeout):
            self._state = "busy"
            raise PrinterError(
                f"Printer {self.target} is busy with another job (not free within "
                f"{timeout:g} s) while {action}.",
                retryable=True,
            )
        try:
            with self._connection(action, timeout) as conn:

                def job() -> None:
                    if self.status_check and self.supports_status:
                        problem = query_status(conn, self.target_spec).problem
                        if problem and hold_on_problem:
                            raise PrinterError(problem, retryable=True)
                    conn._raw(data)  # the one documented hook every python-escpos connection has
                    if self.status_check and self.supports_status:
                        # Answered only if the printer is still connected and reading.
                        read_status(conn, self.target_spec, STATUS_PRINTER)

                self._guarded(action, job, timeout)
                self.last_output = data
                self._state = "ready"
        finally:
            self._lock.release()

    @contextlib.contextmanager
    def _connection(self, action: str, timeout: float | None = None) -> Iterator[Any]:
        timeout = self.timeout if timeout is None else timeout
        conn = make_connection(self.target_spec, profile=self.profile, timeout=timeout)
        started = time.monotonic()
        try:
            self._guarded(action, conn.open, timeout)
            if isinstance(self.target_spec, SerialTarget) and conn.device is not None:
                # python-escpos sets only a read timeout; a port that stops draining would
                # otherwise block write() forever.
                conn.device.write_timeout = timeout
            yield conn
        finally:
            try:
                conn.close()
            except (escpos_exceptions.Error, OSError, AssertionError):
                log.debug("closing %s failed", self.target, exc_info=True)
            log.debug("%s on %s took %.2fs", action, self.target, time.monotonic() - started)

    def _guarded(self, action: str, call: Any, timeout: float | None = None) -> Any:
        """Run `call`, turning python-escpos and OS failures into PrinterError."""
        try:
            result = call()
        except PrinterError as error:
            self._state = error.message
            raise
        except escpos_exceptions.DeviceNotFoundError as error:
            message = f"Printer {self.target} not reachable while {action}: {_first_line(error)}"
            self._state = "unreachable"
            raise PrinterError(message, retryable=True) from error
        except TimeoutError as error:
            message = (
                f"Printer {self.target} did not answer within "
                f"{self.timeout if timeout is None else timeout:g} s "
                f"while {action} (stuck, or busy with another job)."
            )
            self._state = "not answering"
            raise PrinterError(message, retryable=True) from error
        except (ConnectionError, BrokenPipeError) as error:
            message = f"Printer {self.target} dropped the connection while {action}: {error}"
            self._state = "connection lost"
            raise PrinterError(message, retryable=True) from error
        except (escpos_exceptions.Error, OSError, AssertionError) as error:
            # AssertionError: python-escpos asserts an open device before writing. pyserial's
            # SerialException and pyusb's USBError are OSError subclasses.
            message = f"Printer {self.target} failed while {action}: {_first_line(error)}"
            self._state = "error"
            raise PrinterError(message, retryable=True) from error
        return result


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return " ".join(text.split("\n")) if text else type(error).__name__


def build_printer(cfg: dict[str, Any]) -> EscposPrinter | None:
    """Receipt printer from a plain config mapping; `kind: none` disables it.

    kind: network (host, port) | serial (device, baudrate) | usb (vendor_id, product_id,
    in_ep, out_ep) | file (path) | dummy | none. Common keys: profile, paper_width_mm (58|80),
    code_page, timeout_seconds, status_check, drawer_pin (2|5), name.
    """
    values = ConfigReader("printer", cfg)
    kind = values.choice("kind", ("network", "serial", "usb", "file", "dummy", "none"), "none")
    if kind == "none":
        values.finish()
        return None
    target: PrinterTarget
    if kind == "network":
        target = NetworkTarget(
            values.required_text("host"), values.integer("port", 9100, minimum=1, maximum=65535)
        )
    elif kind == "serial":
        target = SerialTarget(
            values.required_text("device"), values.integer("baudrate", 9600, minimum=50)
        )
    elif kind == "usb":
        target = UsbTarget(
            values.integer("vendor_id", 0, minimum=1, maximum=0xFFFF),
            values.integer("product_id", 0, minimum=1, maximum=0xFFFF),
            values.integer("in_ep", 0x82, minimum=0, maximum=0xFF),
            values.integer("out_ep", 0x01, minimum=0, maximum=0xFF),
        )
    elif kind == "file":
        target = FileTarget(values.required_text("path"))
    else:
        target = DummyTarget()
    pin = values.integer("drawer_pin", 2, minimum=2, maximum=5)
    if pin not in (2, 5):
        raise values.fail("drawer_pin", "2 or 5", pin)
    profile = values.text("profile", "TM-T20II") or None
    if profile is not None and not known_profile(profile):
        # python-escpos would raise a bare KeyError deep inside the first print job.
        raise values.fail("profile", "a python-escpos capability profile (e.g. TM-T20II)", profile)
    printer = EscposPrinter(
        target,
        name=values.text("name", "printer"),
        profile=profile,
        paper_width_mm=values.integer("paper_width_mm", 80),
        code_page=values.text("code_page", "CP858"),
        timeout=values.number("timeout_seconds", 5.0, minimum=0.1),
        status_check=values.flag("status_check", True),
        drawer_pin=5 if pin == 5 else 2,
    )
    values.finish()
    return printer
