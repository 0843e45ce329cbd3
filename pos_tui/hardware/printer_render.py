"""Rendering a receipt document into ESC/POS bytes, in memory, before any byte leaves.

Every job is rendered into a python-escpos ``Dummy`` printer: barcode checks and encoding happen
here, so a bad document never leaves half a receipt. Text is pre-mapped to characters of the
chosen code page (:mod:`pos_tui.hardware.text_safety`), so python-escpos never substitutes or
switches pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pos_tui.hardware.escpos_library import escpos_exceptions, escpos_printer, quiet_stdout
from pos_tui.hardware.printer_api import PrinterError
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

if TYPE_CHECKING:
    from escpos.escpos import Escpos

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
    codec = codec_for(code_page)
    dummy = escpos_printer.Dummy(profile=profile)
    try:
        with quiet_stdout():
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


def codec_for(code_page: str) -> str:
    """The Python codec of a printer code page name; PrinterError if we do not support it."""
    try:
        return CODE_PAGE_CODECS[code_page.upper()]
    except KeyError:
        raise PrinterError(
            f"Code page {code_page!r} is not supported; use one of " + ", ".join(CODE_PAGE_CODECS),
            retryable=False,
        ) from None
