"""The rendered receipt document the print queue hands to a printer, and its text layout.

A `ReceiptDocument` is device-independent: blocks of text with alignment and emphasis, rules,
a barcode or QR code of the sale number, paper cut, drawer kick. Money arrives as text already
formatted by the engine (Decimal -> str); nothing here does arithmetic on amounts.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Literal

Align = Literal["left", "center", "right"]
BarcodeSymbology = Literal["CODE128", "EAN13", "EAN8", "CODE39"]

PAPER_COLUMNS = {58: 32, 80: 48}  # Font A (12 dots wide) on 384- and 576-dot heads


def columns_for_paper(paper_width_mm: int) -> int:
    try:
        return PAPER_COLUMNS[paper_width_mm]
    except KeyError:
        raise ValueError(
            f"paper width {paper_width_mm} mm not supported (expected 58 or 80)"
        ) from None


@dataclass(frozen=True, slots=True)
class TextLine:
    text: str
    align: Align = "left"
    bold: bool = False
    double: bool = False  # double width and height: half as many columns


@dataclass(frozen=True, slots=True)
class Columns:
    """A left and a right part on one line, e.g. an item and its price."""

    left: str
    right: str
    bold: bool = False


@dataclass(frozen=True, slots=True)
class Rule:
    char: str = "-"


@dataclass(frozen=True, slots=True)
class Blank:
    lines: int = 1


@dataclass(frozen=True, slots=True)
class Barcode:
    data: str
    symbology: BarcodeSymbology = "CODE128"
    height: int = 64


@dataclass(frozen=True, slots=True)
class QrCode:
    data: str
    size: int = 4


@dataclass(frozen=True, slots=True)
class Cut:
    partial: bool = False


@dataclass(frozen=True, slots=True)
class DrawerKick:
    pin: Literal[2, 5] = 2


Block = TextLine | Columns | Rule | Blank | Barcode | QrCode | Cut | DrawerKick


@dataclass(frozen=True, slots=True)
class ReceiptDocument:
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    title: str = "receipt"  # for logs and error messages only


def wrap(text: str, width: int) -> list[str]:
    """Break at spaces; words longer than a line are split. Always at least one line."""
    return textwrap.wrap(text, width, break_long_words=True, drop_whitespace=True) or [""]


def two_columns(left: str, right: str, width: int) -> list[str]:
    """`left` wrapped into the space the right part leaves; `right` on the last line, flush right.

    If the right part does not fit beside even one character, it gets its own line.
    """
    right = right.strip()
    room = width - len(right) - 1
    if room < 1:
        return [*wrap(left, width), right[-width:].rjust(width)]
    lines = wrap(left, room)
    last = lines.pop()
    return [*lines, f"{last:<{room}} {right}"]


def rule(char: str, width: int) -> str:
    return ((char or "-") * width)[:width]
