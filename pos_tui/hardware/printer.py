"""Receipt printer over python-escpos: network, serial, USB, file (and Dummy as a unit seam).

Every job is rendered first into an in-memory `Dummy` printer — barcode checks and encoding
happen before a single byte leaves, so a bad document never leaves half a receipt — and then
sent in one write on a fresh connection with our own timeout (python-escpos defaults to 60 s).

Where the connection can answer (network, serial, USB) the printer is asked for its real-time
status (DLE EOT) before the job, so paper-out or an open cover is reported instead of the job
vanishing into the printer's buffer, and again after it, which proves the printer is still
there and reading. Every failure comes out as one `PrinterError(message, retryable)`.

All methods block: call them from the print queue's worker thread, never the UI thread.
"""

from __future__ import annotations

import contextlib
import io
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from escpos.escpos import Escpos


from pos_tui.hardware.config_values import ConfigReader
from pos_tui.hardware.receipt_text import (
    Barcode,
    Blank,
    Columns,
    Cut,
    DrawerKick,
    QrCode,
    ReceiptDocument,
    Rule,
    TextLine,
    columns_for_paper,
    rule,
    two_columns,
    wrap,
)
from pos_tui.hardware.text_safety import to_code_page_text


class _Lazy:
    """A module imported on first use: python-escpos loads its printer capability database
    (~170 ms, ~10 MB) at import, which a lane without a printer never needs."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        import importlib

        return getattr(importlib.import_module(self._name), attr)


escpos_exceptions: Any = _Lazy("escpos.exceptions")
escpos_printer: Any = _Lazy("escpos.printer")


log = logging.getLogger(__name__)

# Real-time status requests (DLE EOT n) and the bits of their one-byte answers (Epson ESC/POS).
DLE_EOT = b"\x10\x04"
STATUS_PRINTER, STATUS_OFFLINE_CAUSE, STATUS_PAPER = 1, 2, 4
BIT_OFFLINE = 0x08  # n=1
BIT_COVER_OPEN = 0x04  # n=2
BIT_PAPER_STOP = 0x20  # n=2: printing stopped because the paper ran out
BITS_PAPER_NEAR_END = 0x0C  # n=4
BITS_PAPER_END = 0x60  # n=4
DRAWER_KICK = {2: b"\x1bp\x00\x19\xfa", 5: b"\x1bp\x01\x19\xfa"}  # ESC p m t1 t2

# Python codec for each printer code page name we accept (python-escpos's names).
CODE_PAGE_CODECS = {
    "CP437": "cp437",
    "CP850": "cp850",
    "CP858": "cp858",
    "CP852": "cp852",
    "CP860": "cp860",
    "CP863": "cp863",
    "CP865": "cp865",
    "CP866": "cp866",
    "CP1252": "cp1252",
}

# python-escpos reports through the root logger and bare print(); both would land on top of
# the terminal UI. print() output is captured per render (see _quiet_stdout).
_stdout_lock = threading.Lock()


class PrinterError(Exception):
    """A print job or printer request failed. `message` is cashier-facing.

    `retryable`: True when the same job may succeed later unchanged (printer off, paper out,
    connection dropped); False when the job itself cannot be printed (bad barcode data, code
    page unknown to the printer) and retrying would fail the same way.
    """

    def __init__(self, message: str, retryable: bool) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    supported: bool  # False: this connection cannot answer status requests (file, dummy)
    online: bool = True
    paper: Literal["ok", "near_end", "out", "unknown"] = "unknown"
    cover_open: bool = False

    @property
    def problem(self) -> str | None:
        """Why a job cannot print now, or None."""
        if not self.supported:
            return None
        if self.paper == "out":
            return "The printer is out of paper. Load a new roll."
        if self.cover_open:
            return "The printer cover is open. Close it."
        if not self.online:
            return "The printer is off-line (error or feed button held)."
        return None


class ReceiptPrinter(Protocol):
    name: str
    kind: str

    @property
    def target(self) -> str: ...

    @property
    def state(self) -> str: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def print_receipt(self, document: ReceiptDocument) -> None: ...

    def open_drawer(self) -> None: ...

    def status(self) -> PrinterStatus: ...


# -- connection targets ------------------------------------------------------------------------


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


# -- rendering ---------------------------------------------------------------------------------


def quiet_escpos_logging() -> None:
    """Keep python-escpos's root-logger calls off the terminal.

    `logging.info(...)` at module level calls `basicConfig()` when the root logger has no
    handler, which installs a stderr handler — where Textual draws. A NullHandler prevents that
    and leaves any handler the app configures (a log file) untouched.
    """
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.NullHandler())


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Capture python-escpos's bare print() ("Using hardware barcode renderer").

    sys.stdout is process-wide, so the swap is serialised and kept to the in-memory render.
    """
    sink = io.StringIO()
    with _stdout_lock, contextlib.redirect_stdout(sink):
        yield
    if sink.getvalue().strip():
        log.debug("python-escpos said: %s", sink.getvalue().strip())


def _set_style(p: Escpos, *, align: str, bold: bool, double: bool) -> None:
    p.set(
        align=align,
        bold=bold,
        normal_textsize=not double,
        double_width=double,
        double_height=double,
    )


def render_document(
    p: Escpos, document: ReceiptDocument, *, columns: int, code_page: str, codec: str
) -> None:
    """Write `document` onto any python-escpos printer object (normally a Dummy)."""
    p.hw("INIT")
    # Select the code page after INIT (which resets it); the text below is pre-mapped to
    # characters this page has, so python-escpos never substitutes or switches pages.
    p.charcode(code_page)

    def text_lines(lines: list[str]) -> None:
        for line in lines:
            p.text(to_code_page_text(line, codec) + "\n")

    for block in document.blocks:
        if isinstance(block, TextLine):
            width = columns // 2 if block.double else columns
            _set_style(p, align=block.align, bold=block.bold, double=block.double)
            text_lines(wrap(to_code_page_text(block.text, codec), width))
        elif isinstance(block, Columns):
            _set_style(p, align="left", bold=block.bold, double=False)
            left = to_code_page_text(block.left, codec)
            right = to_code_page_text(block.right, codec)
            text_lines(two_columns(left, right, columns))
        elif isinstance(block, Rule):
            _set_style(p, align="left", bold=False, double=False)
            text_lines([rule(to_code_page_text(block.char, codec)[:1], columns)])
        elif isinstance(block, Blank):
            p.text("\n" * max(1, block.lines))
        elif isinstance(block, Barcode):
            _set_style(p, align="center", bold=False, double=False)
            _render_barcode(p, block)
        elif isinstance(block, QrCode):
            _set_style(p, align="center", bold=False, double=False)
            data = to_code_page_text(block.data, "ascii")
            p.qr(data, size=max(1, min(16, block.size)), native=True)
            p.text("\n")
        elif isinstance(block, Cut):
            p.cut(mode="PART" if block.partial else "FULL")
        elif isinstance(block, DrawerKick):
            p.cashdraw(block.pin)
    p.set_with_default()


def _render_barcode(p: Escpos, block: Barcode) -> None:
    data = to_code_page_text(block.data, "ascii").strip()
    height = max(1, min(255, block.height))
    if block.symbology == "CODE128":
        # Hardware CODE128 needs a code set prefix; set B covers printable ASCII.
        p.barcode("{B" + data, "CODE128", height=height, width=2, function_type="B")
    else:
        p.barcode(data, block.symbology, height=height, width=2)


def render_to_bytes(
    document: ReceiptDocument,
    *,
    profile: str | None = None,
    paper_width_mm: int = 80,
    code_page: str = "CP858",
) -> bytes:
    """The exact bytes a printer would receive for `document` (no IO)."""
    codec = _codec_for(code_page)
    dummy = escpos_printer.Dummy(profile=profile)
    try:
        with _quiet_stdout():
            render_document(
                dummy,
                document,
                columns=columns_for_paper(paper_width_mm),
                code_page=code_page,
                codec=codec,
            )
    except (escpos_exceptions.Error, ValueError) as error:
        raise PrinterError(
            f"The receipt cannot be printed as written: {error}".strip(), retryable=False
        ) from error
    return bytes(dummy.output)


def _codec_for(code_page: str) -> str:
    try:
        return CODE_PAGE_CODECS[code_page.upper()]
    except KeyError:
        raise PrinterError(
            f"Code page {code_page!r} is not supported; use one of " + ", ".join(CODE_PAGE_CODECS),
            retryable=False,
        ) from None


# -- the driver --------------------------------------------------------------------------------


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
        self.codec = _codec_for(self.code_page)
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
        return isinstance(self.target_spec, NetworkTarget | SerialTarget | UsbTarget)

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

    def open_drawer(self) -> None:
        self._send_job(DRAWER_KICK[self.drawer_pin], "opening the cash drawer")

    def status(self) -> PrinterStatus:
        if not self.supports_status:
            return PrinterStatus(supported=False)
        with self._lock, self._connection("checking the printer status") as conn:
            return self._guarded("checking the printer status", lambda: self._query(conn))

    # -- internals -----------------------------------------------------------------------------

    def _send_job(self, data: bytes, action: str) -> None:
        with self._lock, self._connection(action) as conn:

            def job() -> None:
                if self.status_check and self.supports_status:
                    problem = self._query(conn).problem
                    if problem:
                        raise PrinterError(problem, retryable=True)
                conn._raw(data)  # the one documented hook every python-escpos connection has
                if self.status_check and self.supports_status:
                    # Answered only if the printer is still connected and reading.
                    self._read_status(conn, STATUS_PRINTER)

            self._guarded(action, job)
            self.last_output = data
            self._state = "ready"

    @contextlib.contextmanager
    def _connection(self, action: str) -> Iterator[Any]:
        conn = self._make_connection()
        started = time.monotonic()
        try:
            self._guarded(action, conn.open)
            if isinstance(self.target_spec, SerialTarget) and conn.device is not None:
                # python-escpos sets only a read timeout; a port that stops draining would
                # otherwise block write() forever.
                conn.device.write_timeout = self.timeout
            yield conn
        finally:
            try:
                conn.close()
            except (escpos_exceptions.Error, OSError, AssertionError):
                log.debug("closing %s failed", self.target, exc_info=True)
            log.debug("%s on %s took %.2fs", action, self.target, time.monotonic() - started)

    def _make_connection(self) -> Any:
        spec = self.target_spec
        profile = self.profile
        try:
            if isinstance(spec, NetworkTarget):
                return escpos_printer.Network(
                    spec.host, spec.port, timeout=self.timeout, profile=profile
                )
            if isinstance(spec, SerialTarget):
                return escpos_printer.Serial(
                    spec.device,
                    baudrate=spec.baudrate,
                    timeout=self.timeout,
                    dsrdtr=False,
                    profile=profile,
                )
            if isinstance(spec, UsbTarget):
                return escpos_printer.Usb(
                    spec.vendor_id,
                    spec.product_id,
                    timeout=int(self.timeout * 1000),
                    in_ep=spec.in_ep,
                    out_ep=spec.out_ep,
                    profile=profile,
                )
            if isinstance(spec, FileTarget):
                return escpos_printer.File(spec.path, profile=profile)
            return escpos_printer.Dummy(profile=profile)
        except (escpos_exceptions.Error, OSError) as error:
            raise PrinterError(f"Printer {self.target} cannot be set up: {error}", False) from error

    def _guarded(self, action: str, call: Any) -> Any:
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
                f"Printer {self.target} did not answer within {self.timeout:g} s "
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

    def _query(self, conn: Any) -> PrinterStatus:
        printer = self._read_status(conn, STATUS_PRINTER)
        cause = self._read_status(conn, STATUS_OFFLINE_CAUSE)
        paper = self._read_status(conn, STATUS_PAPER)
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

    def _read_status(self, conn: Any, request: int) -> int:
        """Send DLE EOT n and read its single answer byte within our timeout.

        Same request as python-escpos's is_online()/paper_status(), but those read up to 16
        bytes (a serial read then always waits out the full timeout) and treat silence as
        "online"; here silence is a timeout and a closed connection is an error.
        """
        conn._raw(DLE_EOT + bytes([request]))
        if isinstance(self.target_spec, NetworkTarget):
            answer = conn.device.recv(1)
            if not answer:
                raise ConnectionResetError("the printer closed the connection")
        elif isinstance(self.target_spec, SerialTarget):
            answer = conn.device.read(1)
            if not answer:
                raise TimeoutError("no status reply")
        else:
            answer = bytes(conn._read())
            if not answer:
                raise TimeoutError("no status reply")
        return answer[0]


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
    if profile is not None and not _known_profile(profile):
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


def _known_profile(name: str) -> bool:
    from escpos.capabilities import get_profile

    try:
        get_profile(name)
    except KeyError:
        return False
    return True
