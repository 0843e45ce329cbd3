"""A receipt as the paper would show it, for the screen: the same document the printer gets,
laid out as plain text at the paper's width (barcodes as their text)."""

from __future__ import annotations

from pos_tui.hardware.receipt_text import (
    Barcode,
    Blank,
    Columns,
    QrCode,
    ReceiptDocument,
    Rule,
    TextLine,
    rule,
    two_columns,
    wrap,
)
from pos_tui.services.runtime.backend import Backend


def paper_columns(backend: Backend) -> int:
    return 32 if backend.settings.receipt.paper == "58mm" else 48


def document_text(document: ReceiptDocument, width: int) -> str:
    out: list[str] = []
    for block in document.blocks:
        if isinstance(block, TextLine):
            room = width // 2 if block.double else width
            for line in wrap(block.text, room):
                if block.align == "center":
                    out.append(line.center(width).rstrip())
                elif block.align == "right":
                    out.append(line.rjust(width))
                else:
                    out.append(line)
        elif isinstance(block, Columns):
            out += two_columns(block.left, block.right, width)
        elif isinstance(block, Rule):
            out.append(rule(block.char, width))
        elif isinstance(block, Blank):
            out += [""] * block.lines
        elif isinstance(block, Barcode | QrCode):
            out.append(f"|| {block.data} ||".center(width).rstrip())
    return "\n".join(out)


def receipt_preview(backend: Backend, sale_id: int) -> str:
    """The receipt of a committed sale (or a till record's slip) as plain text."""
    from pos_tui.services.checkout.receipts import build_receipt

    return document_text(build_receipt(backend, sale_id), paper_columns(backend))
