"""The receipt printer driver against emupos (an independent ESC/POS decoder) and against raw
TCP servers that fail the way real printers and networks do.

Receipt content is asserted on emupos's decoded text, never on our own encoder's bytes.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from pos_tui.hardware.printer import (
    EscposPrinter,
    NetworkTarget,
    PrinterError,
    SerialTarget,
    build_printer,
)
from pos_tui.hardware.receipt_text import (
    Barcode,
    Block,
    Columns,
    Cut,
    DrawerKick,
    QrCode,
    ReceiptDocument,
    Rule,
    TextLine,
)
from tests.helpers import HANG_SECONDS, returns_unless_hung

from .stacks import Emupos, closed_port, printer_that_hangs_up, stalled_printer

pytestmark = pytest.mark.hardware


def sale_receipt(sale_number: str = "S-000123", kick: bool = False) -> ReceiptDocument:
    blocks: list[Block] = [
        TextLine("Café Müller", align="center", bold=True, double=True),
        TextLine("Grüne Straße 5", align="center"),
        Rule(),
        Columns("Crème brûlée", "€4.50"),
        Columns("Masala chai", "₹120.00"),
        Columns("Evil\x1b@\x1dV\x00name\x07\x9b", "1.00"),
        Rule("="),
        Columns("TOTAL", "€5.50", bold=True),
        TextLine(f"Sale {sale_number}", align="center"),
        Barcode(sale_number),
        QrCode(sale_number),
        Cut(),
    ]
    if kick:
        blocks.append(DrawerKick())
    return ReceiptDocument(tuple(blocks), title=f"sale {sale_number}")


def network_printer(emupos: Emupos, **kwargs: object) -> EscposPrinter:
    return EscposPrinter(NetworkTarget("127.0.0.1", emupos.printer_port), **kwargs)  # type: ignore[arg-type]


def test_network_receipt_decodes_with_code_pages_barcode_qr_and_png(
    emupos: Emupos, capsys: pytest.CaptureFixture[str]
) -> None:
    printer = network_printer(emupos, code_page="CP858")
    known = len(emupos.receipts())
    printer.print_receipt(sale_receipt("S-000123"))
    receipt = emupos.wait_new_receipt(known)
    assert receipt["boundary"] == "cut"
    text = emupos.receipt_text(receipt["id"])
    lines = text.splitlines()

    assert "Café Müller" in text  # é, ü in CP858
    assert "Grüne Straße 5" in text
    assert any(line.startswith("Crème brûlée") and line.endswith("€4.50") for line in lines)
    assert any(line.startswith("Masala chai") and line.endswith("Rs.120.00") for line in lines)
    # Control bytes in data were neutralised: printed as text, no init/cut/beep happened.
    assert any(line.startswith("Evil @ V name") for line in lines)
    assert "[barcode CODE128 S-000123]" in text
    assert "[qr S-000123]" in text
    # 80 mm paper: item lines fill exactly 48 columns, rules too.
    assert "-" * 48 in lines and "=" * 48 in lines
    assert max(len(line) for line in lines if not line.startswith("[")) == 48
    assert "�" not in text and "?" not in text

    png = emupos.receipt_image(receipt["id"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 2000
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width == 576 and height > 300

    # python-escpos's "Using hardware barcode renderer" never reaches stdout.
    assert "barcode renderer" not in capsys.readouterr().out


def test_cp437_printer_gets_accents_and_readable_currency_fallbacks(emupos: Emupos) -> None:
    printer = network_printer(emupos, code_page="CP437", paper_width_mm=58)
    known = len(emupos.receipts())
    printer.print_receipt(
        ReceiptDocument(
            (
                TextLine("Déjà vu für €3 — ₹9"),
                Columns("A very long product name that must wrap", "12.34"),
                Rule(),
                Cut(),
            )
        )
    )
    text = emupos.receipt_text(emupos.wait_new_receipt(known)["id"])
    lines = text.splitlines()
    assert "Déjà vu für EUR3 - Rs.9" in text  # CP437 has no € sign: spelled out, never garbage
    # 58 mm paper: 32 columns; the long name wrapped, price flush right on its last line.
    assert "-" * 32 in lines
    assert all(len(line) <= 32 for line in lines)
    assert any(line.endswith(" 12.34") and len(line) == 32 for line in lines)
    assert "A very long product name" in lines
    assert "that must wrap             12.34" in lines


def test_drawer_opens_after_kick(emupos: Emupos) -> None:
    emupos.close_drawer()
    assert emupos.drawer() == "closed"
    printer = network_printer(emupos)
    known = len(emupos.receipts())
    printer.print_receipt(sale_receipt("S-000124", kick=True))
    emupos.wait_new_receipt(known)
    assert emupos.drawer() == "open"

    emupos.close_drawer()
    printer.open_drawer()
    assert emupos.drawer() == "open"
    emupos.close_drawer()


def test_paper_out_is_reported_and_job_refused(emupos: Emupos) -> None:
    printer = network_printer(emupos)
    assert printer.status().problem is None
    emupos.set_fault("paper-out")
    try:
        status = printer.status()
        assert status.paper == "out"
        assert not status.online
        known = len(emupos.receipts())
        with pytest.raises(PrinterError) as raised:
            printer.print_receipt(sale_receipt("S-000125"))
        assert raised.value.retryable
        assert "out of paper" in raised.value.message
    finally:
        emupos.clear_fault("paper-out")
    assert printer.status().paper == "ok"
    # Nothing was sent while the paper was out: the next receipt is the only new one, and
    # nothing of the refused one runs into it.
    printer.print_receipt(sale_receipt("S-000126"))
    text = emupos.receipt_text(emupos.wait_new_receipt(known, timeout=HANG_SECONDS)["id"])
    assert len(emupos.receipts()) == known + 1
    assert "S-000126" in text and "S-000125" not in text


def test_serial_printer_on_emupos_pty(emupos: Emupos) -> None:
    assert emupos.printer_serial is not None
    printer = build_printer(
        {
            "kind": "serial",
            "device": str(emupos.printer_serial),
            "baudrate": 9600,
            "timeout_seconds": 2,
            "code_page": "CP858",
        }
    )
    assert isinstance(printer, EscposPrinter)
    assert isinstance(printer.target_spec, SerialTarget)
    assert printer.status().problem is None
    known = len(emupos.receipts())
    printer.print_receipt(sale_receipt("S-000126"))
    text = emupos.receipt_text(emupos.wait_new_receipt(known)["id"])
    assert "Café Müller" in text
    assert "[barcode CODE128 S-000126]" in text


def test_refused_connection_is_retryable_error() -> None:
    printer = EscposPrinter(NetworkTarget("127.0.0.1", closed_port()), timeout=2)
    with pytest.raises(PrinterError) as raised:
        returns_unless_hung(lambda: printer.print_receipt(sale_receipt()), "the refused print")
    assert raised.value.retryable
    # Refused at once, not timed out: the reason is the refusal.
    assert "not reachable" in raised.value.message and "did not answer" not in raised.value.message
    assert printer.state == "unreachable"


def test_stalled_printer_times_out_within_configured_seconds() -> None:
    with stalled_printer() as port:
        printer = EscposPrinter(NetworkTarget("127.0.0.1", port), timeout=1.0)
        started = time.monotonic()
        # python-escpos's own 60 s would count as a hang: only the configured second ends it.
        with pytest.raises(PrinterError) as raised:
            returns_unless_hung(lambda: printer.print_receipt(sale_receipt()), "the stalled print")
        waited = time.monotonic() - started
    # A lower bound only (a slow machine waits longer, never shorter): not given up early.
    assert waited >= 0.9
    assert raised.value.retryable
    assert "did not answer within 1 s" in raised.value.message


def test_printer_hanging_up_mid_receipt_is_retryable_error() -> None:
    with printer_that_hangs_up(after_bytes=32) as port:
        printer = EscposPrinter(NetworkTarget("127.0.0.1", port), timeout=2.0)
        with pytest.raises(PrinterError) as raised:
            printer.print_receipt(sale_receipt())
    assert raised.value.retryable
    assert "dropped the connection" in raised.value.message or "closed" in raised.value.message


def test_invalid_barcode_is_not_retryable() -> None:
    printer = build_printer({"kind": "dummy"})
    assert printer is not None
    with pytest.raises(PrinterError) as raised:
        printer.print_receipt(ReceiptDocument((Barcode("12AB", symbology="EAN13"),)))
    assert not raised.value.retryable


def test_file_printer_bytes_decode_on_emupos(emupos: Emupos, tmp_path: Path) -> None:
    """A file connection (e.g. /dev/usb/lp0) writes the printer's byte stream to a file; played
    into emupos unchanged, those exact bytes decode to the receipt."""
    out = tmp_path / "lp0"
    out.touch()
    printer = build_printer({"kind": "file", "path": str(out), "code_page": "CP858"})
    assert isinstance(printer, EscposPrinter)
    printer.print_receipt(sale_receipt("S-000127"))
    data = out.read_bytes()
    assert data.startswith(b"\x1b@")
    known = len(emupos.receipts())
    with socket.create_connection(("127.0.0.1", emupos.printer_port), timeout=5) as conn:
        conn.sendall(data)
    text = emupos.receipt_text(emupos.wait_new_receipt(known)["id"])
    assert "Café Müller" in text
    assert "[barcode CODE128 S-000127]" in text


def test_usb_printer_not_plugged_in_is_a_clear_retryable_error() -> None:
    """The USB path through pyusb and libusb, on a machine with no such printer attached."""
    printer = build_printer(
        {"kind": "usb", "vendor_id": 0x04B8, "product_id": 0x0E28, "timeout_seconds": 1}
    )
    assert isinstance(printer, EscposPrinter)
    with pytest.raises(PrinterError) as info:
        printer.print_receipt(sale_receipt("S-000128"))
    assert "USB 04b8:0e28 not reachable" in str(info.value)
    assert info.value.retryable
